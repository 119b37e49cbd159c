using System.Globalization;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Zipkin;

/// <summary>
/// Zipkin UI deep links. Pure. The UI lives under <c>zipkin/</c>; it reads <c>startTs</c>/<c>endTs</c> in ms with
/// <c>lookback=range</c>, and <c>minDuration</c> as a duration with its unit (<c>100ms</c>), unlike the API's µs.
/// </summary>
internal static class ZipkinLinks
{
    /// <summary>Zipkin's tag-presence query for failed spans.</summary>
    public const string ErrorQuery = "error";

    public static Uri Search(
        Uri ui,
        string service,
        string? spanName,
        AlertWindow window,
        int limit,
        TimeSpan? minDuration,
        string? annotationQuery) =>
        BackendHttp.Join(ui, "zipkin/",
        [
            new("serviceName", service),
            new("spanName", string.IsNullOrEmpty(spanName) ? null : spanName),
            new("minDuration", minDuration is { } min ? UiDuration(min) : null),
            new("annotationQuery", string.IsNullOrEmpty(annotationQuery) ? null : annotationQuery),
            new("lookback", "range"),
            new("startTs", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.Start))),
            new("endTs", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.End))),
            new("limit", BackendHttp.Invariant(limit)),
        ]);

    public static Uri Trace(Uri ui, string traceId) =>
        BackendHttp.Join(ui, "zipkin/traces/" + Uri.EscapeDataString(traceId));

    /// <summary>
    /// Zipkin's annotationQuery for tag filters: <c>key=value</c> terms joined by <c> and </c>, a bare key for
    /// presence (<c>error</c>); keys sorted so the same search gives the same link.
    /// </summary>
    public static string? AnnotationQuery(IReadOnlyDictionary<string, string> tags, bool errorsOnly)
    {
        var terms = tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}").ToList();
        if (errorsOnly)
            terms.Insert(0, ErrorQuery);
        return terms.Count == 0 ? null : string.Join(" and ", terms);
    }

    /// <summary>A duration as the UI's minDuration field shows it: whole s, ms or µs, whichever keeps it exact.</summary>
    public static string UiDuration(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks % TimeSpan.TicksPerSecond == 0)
            return (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        if (ticks % TimeSpan.TicksPerMillisecond == 0)
            return (ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
        return (ticks / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture) + "us";
    }
}
