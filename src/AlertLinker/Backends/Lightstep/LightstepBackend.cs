using System.Net;
using System.Text.Json;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Lightstep;

/// <summary>
/// Lightstep / ServiceNow Cloud Observability: notebook links (UQL) and the trace view. Its public API has no trace
/// search, so there are no exemplars (the section says so) and nothing to analyse: the stored-traces reader
/// (<see cref="GetTraceAsync"/>) looks traces up by a span id, which exemplars found elsewhere do not carry.
/// </summary>
internal sealed class LightstepBackend(string name, ILightstepApi api, LightstepOptions options) : ITraceBackend
{
    public const string Limitation =
        "Lightstep's public API has no trace search: links only (open the notebook links to find slow and errored traces)";

    private const string Route = "stored-traces";

    public string Name => name;

    public const string TypeName = "Lightstep";

    public string Type => TypeName;

    public BackendCapabilities Capabilities { get; } = new(ExemplarSearch: false, FullTraces: false, Limitation);

    private string Project => options.Project!;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        if (alert.Service is null)
            return [];
        var latency = LightstepLinks.LatencyQuery(LightstepLinks.Filter(alert.Service, alert.Operation));
        var errors = LightstepLinks.CountQuery(LightstepLinks.Filter(alert.Service, alert.Operation, errorsOnly: true));
        return
        [
            new BackendLink($"Lightstep: latency of {alert.Service}", LightstepLinks.Notebook(options.UiBase, Project, latency, alert.Window), latency),
            new BackendLink($"Lightstep: errors of {alert.Service}", LightstepLinks.Notebook(options.UiBase, Project, errors, alert.Window), errors),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var filter = LightstepLinks.Filter(search.Service, search.Operation, search.Attributes, search.ErrorsOnly);
        var uql = search.ErrorsOnly ? LightstepLinks.CountQuery(filter) : LightstepLinks.LatencyQuery(filter);
        var title = search.ErrorsOnly ? $"Lightstep: errors of {search.Service}" : $"Lightstep: latency of {search.Service}";
        return new BackendLink(title, LightstepLinks.Notebook(options.UiBase, Project, uql, search.Window), uql);
    }

    /// <summary>
    /// None: Lightstep's trace view opens on a span id (<see cref="LightstepLinks.Trace"/>), and a trace id from elsewhere
    /// (a Prometheus exemplar) would open nothing.
    /// </summary>
    public Uri? BuildTraceLink(string traceId, AlertWindow window) => null;

    public Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TraceSummary>>([]);

    /// <summary>
    /// The stored trace holding the span <paramref name="traceId"/> names: the API looks traces up by one of their span
    /// ids (e.g. a root span id from a log line or an exemplar); null when Lightstep no longer has it.
    /// </summary>
    public async Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        using var response = await BackendHttp.SendAsync(() => api.GetStoredTracesAsync(
            options.Organization!, Project, traceId, "Bearer " + options.ApiKey, cancellationToken)).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!BackendHttp.IsSuccess(response.StatusCode))
            throw BackendHttp.Unexpected(name, Route, response, body);
        try
        {
            return LightstepParsing.ParseStoredTraces(body);
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(name, Route, e);
        }
    }
}
