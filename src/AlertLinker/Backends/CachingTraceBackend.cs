using AlertLinker.Resolution;

namespace AlertLinker.Backends;

/// <summary>
/// Wraps every configured backend (see <see cref="BackendRegistration"/>) so that a storm of alerts costs backend
/// queries per distinct question, not per alert: exemplar searches are shared by backend, service, operation,
/// window (within <see cref="EnrichmentOptions.CacheWindowTolerance"/>) and, for Prometheus exemplars only,
/// expression; whole traces by trace id (answered without a request when the search already returned them, see
/// <see cref="SearchedTraces"/>). Links are pure and pass straight through.
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
        cache.GetOrAddAsync(ExemplarKey(alert), alert.Window, token => inner.FindExemplarsAsync(alert, token), cancellationToken);

    /// <summary>Service lists change slowly: one per backend, reused like any answer.</summary>
    public Task<IReadOnlyList<string>?> GetServicesAsync(CancellationToken cancellationToken) =>
        cache.GetOrAddAsync(string.Join('\n', "services", Name), inner.GetServicesAsync, cancellationToken);

    public Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken) =>
        cache.GetOrAddAsync(SearchedTraces.Key(Name, traceId), token => inner.GetTraceAsync(traceId, window, token), cancellationToken);

    /// <summary>
    /// The question without its window (the cache matches windows within its tolerance: alerts of one storm start
    /// seconds to minutes apart, so their windows are the same question). Newlines cannot occur in the parts that matter (labels are single-line), so they separate them safely.
    /// Only Prometheus exemplars query by the alert's expression: for every other backend two rules on one service
    /// ask the same question.
    /// </summary>
    internal string ExemplarKey(ResolvedAlert alert) =>
        string.Join('\n',
            "exemplars",
            Name,
            alert.Service ?? "",
            alert.Operation ?? "",
            inner.Type == PrometheusExemplars.PrometheusExemplarsBackend.TypeName ? alert.Expression ?? "" : "");
}
