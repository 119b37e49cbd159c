using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Per-channel pace (Slack allows about one message per second per channel, with short bursts): a token bucket of
/// <see cref="SlackOptions.PaceBurst"/> tokens refilled one per <see cref="SlackOptions.PaceInterval"/>, on
/// <see cref="TimeProvider"/>. Callers wait for their turn instead of earning a 429. Turns are handed out in call
/// order per channel, so what a group sends leaves in the order it was sent.
/// <para>
/// Slack also counts per method per workspace: a 429's Retry-After holds back every call to that method (all
/// channels, all groups) until it has passed, see <see cref="Hold"/>. One bot token is one workspace.
/// </para>
/// </summary>
internal sealed class SlackPace(IOptions<SlackOptions> options, TimeProvider time)
{
    private readonly SlackOptions options = options.Value;
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> heldUntil = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="channel"/> may take another message.</summary>
    public Task WaitTurnAsync(string channel, CancellationToken cancellationToken)
    {
        var interval = options.PaceInterval;
        if (interval <= TimeSpan.Zero)
            return Task.CompletedTask;
        var wait = buckets.GetOrAdd(channel, _ => new Bucket(time.GetTimestamp()))
            .Reserve(options.PaceBurst, interval, time);
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }

    /// <summary>Slack answered <paramref name="method"/> with a Retry-After: no call to it before that has passed.</summary>
    public void Hold(string method, TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero)
            return;
        var until = time.GetTimestamp() + (long)(retryAfter.TotalSeconds * time.TimestampFrequency);
        heldUntil.AddOrUpdate(method, until, (_, current) => Math.Max(current, until));
    }

    /// <summary>How long calls to <paramref name="method"/> are still held back by a Retry-After, or null when they may go.</summary>
    public TimeSpan? HeldFor(string method)
    {
        if (!heldUntil.TryGetValue(method, out var until))
            return null;
        var left = until - time.GetTimestamp();
        return left > 0 ? TimeSpan.FromSeconds((double)left / time.TimestampFrequency) : null;
    }

    /// <summary>
    /// GCRA as a schedule: <c>tat</c> is the theoretical time the channel's next message is due at the steady rate;
    /// a caller may go up to (burst − 1) intervals ahead of it, else waits for the difference. Reservations are taken
    /// under a lock, so concurrent callers queue one interval apart; a reservation is kept even if its caller is
    /// cancelled (the pace errs on the slow side).
    /// </summary>
    private sealed class Bucket(long origin)
    {
        private readonly Lock gate = new();
        private TimeSpan tat = TimeSpan.Zero;

        public TimeSpan Reserve(int burst, TimeSpan interval, TimeProvider time)
        {
            lock (gate)
            {
                var now = time.GetElapsedTime(origin);
                if (tat < now)
                    tat = now;
                var wait = tat - now - interval * (burst - 1);
                tat += interval;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
    }
}
