
namespace AlertLinker.Model;

/// <summary>
/// One configured tracing backend instance (config section <c>AlertLinker:Backends:&lt;name&gt;</c>).
/// Links are pure; exemplar search does I/O and runs under the enrichment budget.
/// </summary>
public interface ITraceBackend
{
    /// <summary>Instance name, the config key (e.g. "jaeger-prod").</summary>
    string Name { get; }

    /// <summary>Backend type: Jaeger, Tempo, PrometheusExemplars…</summary>
    string Type { get; }

    /// <summary>Deep links for the alert's service and window (e.g. slow traces, errored traces). Pure: no I/O.</summary>
    IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert);

    /// <summary>A search link for an arbitrary trace search (runbooks use it), or null where the backend cannot express it. Pure.</summary>
    BackendLink? BuildSearchLink(TraceSearch search);

    /// <summary>A link to one trace in this backend's UI, or null where the backend has no trace view.</summary>
    Uri? BuildTraceLink(string traceId, AlertWindow window);

    /// <summary>What this backend's API can do; the enricher skips what it cannot and says why.</summary>
    BackendCapabilities Capabilities => BackendCapabilities.Full;

    /// <summary>The full trace for analysis, or null where the backend has no trace API or the trace is gone.</summary>
    Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken) =>
        Task.FromResult<Trace?>(null);

    /// <summary>Concrete exemplar traces (slowest, errored) of the alert's window. An empty list means none found.</summary>
    Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken);

    /// <summary>
    /// The service names this backend knows (Jaeger <c>/api/services</c>, Tempo's values of <c>resource.service.name</c>,
    /// Zipkin <c>/api/v2/services</c>), asked when a search found nothing; null where the backend cannot list them.
    /// </summary>
    Task<IReadOnlyList<string>?> GetServicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(null);
}

/// <summary>
/// What a backend's public API offers beyond links. <paramref name="Limitation"/> is shown in the message and the README
/// where something is missing (e.g. "Lightstep's public API has no trace search: links only").
/// </summary>
public sealed record BackendCapabilities(bool ExemplarSearch, bool FullTraces, string? Limitation = null)
{
    /// <summary>Searches exemplars and serves whole traces.</summary>
    public static BackendCapabilities Full { get; } = new(true, true);
}

/// <summary>A titled deep link into a backend UI; <paramref name="Query"/> is the backend-native query text where there is one (TraceQL, Jaeger tags).</summary>
public sealed record BackendLink(string Title, Uri Url, string? Query = null);

/// <summary>A backend-neutral trace search: what a runbook line like "db.system = postgresql, slowest first" asks for.</summary>
public sealed record TraceSearch(
    string Service,
    string? Operation,
    AlertWindow Window,
    IReadOnlyDictionary<string, string> Attributes,
    TimeSpan? MinDuration = null,
    bool ErrorsOnly = false,
    int Limit = 20);
