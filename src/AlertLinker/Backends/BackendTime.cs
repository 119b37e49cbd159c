using System.Globalization;

namespace AlertLinker.Backends;

/// <summary>
/// Time units the backends speak. Every backend wants a different one (see the reference's "time units at a glance"),
/// so the conversions live once, here, and each call site says which unit it means.
/// </summary>
public static class BackendTime
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / 10;

    public static long ToUnixMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>Unix seconds, rounded down: a search start must not miss the window's first second.</summary>
    public static long ToUnixSecondsFloor(DateTimeOffset time) => time.ToUnixTimeSeconds();

    /// <summary>Unix seconds, rounded up: a search end must not cut the window's last second.</summary>
    public static long ToUnixSecondsCeiling(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(seconds) < time ? seconds + 1 : seconds;
    }

    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(UnixEpochTicks + microseconds * 10, TimeSpan.Zero);

    public static DateTimeOffset FromUnixNanoseconds(long nanoseconds) =>
        new(UnixEpochTicks + nanoseconds / 100, TimeSpan.Zero);

    public static DateTimeOffset FromUnixSeconds(double seconds) =>
        new(UnixEpochTicks + (long)Math.Round(seconds * TimeSpan.TicksPerSecond), TimeSpan.Zero);

    public static TimeSpan FromMicroseconds(long microseconds) => TimeSpan.FromTicks(microseconds * 10);

    public static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);

    /// <summary>RFC 3339 with fractional seconds in UTC, what Jaeger api_v3 parses (Go's time.RFC3339Nano).</summary>
    public static string ToRfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A duration as Go's time.ParseDuration and TraceQL read it, in the largest unit that keeps it exact:
    /// <c>500ms</c>, <c>2s</c>, <c>1500us</c>. Whole units only, so no locale ever sneaks in a decimal comma.
    /// </summary>
    public static string ToGoDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "durations in queries are never negative");
        var ticks = duration.Ticks;
        if (ticks % TimeSpan.TicksPerHour == 0 && ticks > 0)
            return Invariant(ticks / TimeSpan.TicksPerHour) + "h";
        if (ticks % TimeSpan.TicksPerMinute == 0 && ticks > 0)
            return Invariant(ticks / TimeSpan.TicksPerMinute) + "m";
        if (ticks % TimeSpan.TicksPerSecond == 0)
            return Invariant(ticks / TimeSpan.TicksPerSecond) + "s";
        if (ticks % TimeSpan.TicksPerMillisecond == 0)
            return Invariant(ticks / TimeSpan.TicksPerMillisecond) + "ms";
        if (ticks % TimeSpan.TicksPerMicrosecond == 0)
            return Invariant(ticks / TimeSpan.TicksPerMicrosecond) + "us";
        return Invariant(ticks * 100) + "ns";
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
