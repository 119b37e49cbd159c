using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Tempo;

/// <summary>Grafana Tempo: Explore deep links with TraceQL, exemplars through TraceQL search.</summary>
internal sealed partial class TempoBackend(
    string name,
    ITempoApi api,
    TempoOptions options,
    IOptions<EnrichmentOptions> enrichment,
    ILogger<TempoBackend> logger) : ITraceBackend
{
    public string Name => name;

    public const string TypeName = "Tempo";

    public string Type => TypeName;

    private Uri Grafana => options.UiBase;

    private string DatasourceUid => options.DatasourceUid!;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        if (alert.Service is null)
            return [];
        var slow = TraceQl.SpanSet(alert.Service, alert.Operation, minDuration: options.SlowThreshold);
        var errors = TraceQl.SpanSet(alert.Service, alert.Operation, errorsOnly: true);
        return
        [
            new BackendLink($"Tempo: slow traces of {alert.Service}", Explore(slow, alert.Window, options.SearchLimit), slow),
            new BackendLink($"Tempo: errored traces of {alert.Service}", Explore(errors, alert.Window, options.SearchLimit), errors),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var query = TraceQl.ForSearch(search);
        var title = search.ErrorsOnly ? $"Tempo: errored traces of {search.Service}" : $"Tempo: traces of {search.Service}";
        return new BackendLink(title, Explore(query, search.Window, search.Limit), query);
    }

    /// <summary>Explore with the trace id as the query opens the trace view.</summary>
    public Uri? BuildTraceLink(string traceId, AlertWindow window) => Explore(traceId, window, TempoLinks.DefaultLimit);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        if (alert.Service is null)
            return [];
        var slowQuery = TraceQl.SpanSet(alert.Service, alert.Operation, minDuration: options.SlowThreshold);
        var errorQuery = TraceQl.SpanSet(alert.Service, alert.Operation, errorsOnly: true);
        var slow = SearchAsync(slowQuery, alert.Window, errorSearch: false, cancellationToken);
        var errors = SearchAsync(errorQuery, alert.Window, errorSearch: true, cancellationToken);
        await Task.WhenAll(slow, errors).ConfigureAwait(false);

        var candidates = (await slow.ConfigureAwait(false)).Concat(await errors.ConfigureAwait(false)).ToList();
        if (candidates.Count == 0)
        {
            // Nothing above the threshold and no errors: the alert may be about a service that is slow by its own
            // standards only. The window's traces, slowest first, still beat an empty section.
            Log.NothingAboveThreshold(logger, name, options.SlowThreshold);
            candidates = [.. await SearchAsync(TraceQl.SpanSet(alert.Service, alert.Operation), alert.Window, errorSearch: false, cancellationToken).ConfigureAwait(false)];
        }
        var linked = candidates.Select(t => t with { Link = BuildTraceLink(t.TraceId, alert.Window) });
        return ExemplarPicker.Pick(linked, enrichment.Value.Exemplars);
    }

    /// <summary>The whole trace; null when Tempo no longer has it (404) or its body is unreadable.</summary>
    public async Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        var id = TraceIds.Normalize(traceId);
        var (outcome, trace) = await TraceFetch.GetAsync(
            name,
            "/api/traces/{id}",
            () => api.GetTraceAsync(id, string.IsNullOrEmpty(options.Tenant) ? null : options.Tenant, cancellationToken),
            isGone: _ => true,
            body => Otlp.OtlpTraceParser.Parse(body, id),
            logger,
            cancellationToken).ConfigureAwait(false);
        if (outcome == TraceFetchOutcome.RouteMissing)
            throw new HttpRequestException($"{name}: /api/traces/{{id}} is not served here; check that ApiUrl points at Tempo's HTTP API (e.g. http://tempo:3200/)");
        return trace;
    }

    public Task<IReadOnlyList<string>?> GetServicesAsync(CancellationToken cancellationToken) =>
        SearchProfiles.GetAsync(name, "/api/v2/search/tag/resource.service.name/values",
            () => api.GetServiceNamesAsync(string.IsNullOrEmpty(options.Tenant) ? null : options.Tenant, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<TraceSummary>> SearchAsync(string query, AlertWindow window, bool errorSearch, CancellationToken cancellationToken)
    {
        using var response = await BackendHttp.SendAsync(() => api.SearchAsync(
            query,
            BackendTime.ToUnixSecondsFloor(window.Start),
            BackendTime.ToUnixSecondsCeiling(window.End),
            options.SearchLimit,
            options.SpansPerSpanSet,
            string.IsNullOrEmpty(options.Tenant) ? null : options.Tenant,
            cancellationToken)).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (!BackendHttp.IsSuccess(response.StatusCode))
            throw BackendHttp.Unexpected(name, "/api/search", response, body);
        try
        {
            return TempoParsing.ParseSearch(body, errorSearch);
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(name, "/api/search", e);
        }
    }

    private Uri Explore(string query, AlertWindow window, int limit) =>
        TempoLinks.Explore(Grafana, options.OrgId, DatasourceUid, query, window, limit);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Debug,
            Message = "Tempo backend {Backend}: no trace above {Threshold} and no errored trace; searching the window without threshold")]
        public static partial void NothingAboveThreshold(ILogger logger, string backend, TimeSpan threshold);
    }
}
