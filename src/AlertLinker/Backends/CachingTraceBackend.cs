using System.Globalization;
using AlertLinker.Resolution;

namespace AlertLinker.Backends;

/// <summary>
/// Wraps every configured backend (see <see cref="BackendRegistration"/>) so that a storm of alerts costs backend
/// queries per distinct question, not per alert: exemplar searches are shared by backend, service, operation,
/// window (to the minute) and, for Prometheus exemplars only, expression; whole traces by trace id. Links are pure
/// and pass straight through.
/// </summary>
internal sealed class CachingTraceBackend(ITraceBackend inner, BackendQueryCache cache) : ITraceBackend
{
    public ITraceBackend Inner => inner;

    public string Name => inner.Name;

    public string Type => inner.Type;

    public BackendCapabilities Capabilities => inner.Capabilities;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert) => inner.BuildLinks(alert);

    public BackendLink? BuildSearchLink(TraceSearch search) => inner.BuildSearchLink(search);

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => inner.BuildTraceLink(traceId, window);

    public Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken) =>
        cache.GetOrAddAsync(ExemplarKey(alert), token => inner.FindExemplarsAsync(alert, token), cancellationToken);

    public Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken) =>
        cache.GetOrAddAsync(string.Join('\n', "trace", Name, TraceIds.Normalize(traceId)),
            token => inner.GetTraceAsync(traceId, window, token), cancellationToken);

    /// <summary>
    /// Alerts of one storm start seconds apart: their windows, rounded down to the minute, are the same question.
    /// Newlines cannot occur in the parts that matter (labels are single-line), so they separate them safely.
    /// Only Prometheus exemplars query by the alert's expression: for every other backend two rules on one service
    /// ask the same question.
    /// </summary>
    internal string ExemplarKey(ResolvedAlert alert) =>
        string.Join('\n',
            "exemplars",
            Name,
            alert.Service ?? "",
            alert.Operation ?? "",
            Minute(alert.Window.Start),
            Minute(alert.Window.End),
            inner.Type == PrometheusExemplars.PrometheusExemplarsBackend.TypeName ? alert.Expression ?? "" : "");

    private static string Minute(DateTimeOffset time) =>
        (time.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture);
}
