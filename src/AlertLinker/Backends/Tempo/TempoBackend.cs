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
        // The business keys ride along as select(…): Tempo returns them on the matched spans of each trace.
        IReadOnlyList<string> keys = options.SelectBusinessKeys ? enrichment.Value.EffectiveBusinessKeys : [];
        var slowQuery = TraceQl.WithSelect(TraceQl.SpanSet(alert.Service, alert.Operation, minDuration: options.SlowThreshold), keys);
        var errorQuery = TraceQl.WithSelect(TraceQl.SpanSet(alert.Service, alert.Operation, errorsOnly: true), keys);
        var windowQuery = TraceQl.WithSelect(TraceQl.SpanSet(alert.Service, alert.Operation), keys);
        var slow = SearchAsync(slowQuery, alert.Window, errorSearch: false, cancellationToken);
        var errors = SearchAsync(errorQuery, alert.Window, errorSearch: true, cancellationToken);
        // The two searches above return only slow and failing traces; comparing them needs the window's ordinary
        // ones too, so with keys to compare the window is searched alongside (and serves as the fallback below).
        var window = keys.Count > 0 ? SearchAsync(windowQuery, alert.Window, errorSearch: false, cancellationToken) : null;
        await Task.WhenAll(window is null ? [slow, errors] : [slow, errors, window]).ConfigureAwait(false);

        var hits = (await slow.ConfigureAwait(false)).Concat(await errors.ConfigureAwait(false)).ToList();
        var candidates = hits.Select(h => h.Summary).ToList();
        if (candidates.Count == 0)
        {
            // Nothing above the threshold and no errors: the alert may be about a service that is slow by its own
            // standards only. The window's traces, slowest first, still beat an empty section.
            Log.NothingAboveThreshold(logger, name, options.SlowThreshold);
            var windowHits = window is null
                ? await SearchAsync(windowQuery, alert.Window, errorSearch: false, cancellationToken).ConfigureAwait(false)
                : await window.ConfigureAwait(false);
            candidates = [.. windowHits.Select(h => h.Summary)];
        }
        var linked = candidates.Select(t => t with { Link = BuildTraceLink(t.TraceId, alert.Window) });
        var picked = ExemplarPicker.Pick(linked, enrichment.Value.Exemplars);
        if (window is null)
            return picked;
        return new ExemplarList(picked, TempoProfiles.Of(hits.Concat(await window.ConfigureAwait(false)), keys));
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

    private async Task<IReadOnlyList<TempoSearchHit>> SearchAsync(string query, AlertWindow window, bool errorSearch, CancellationToken cancellationToken)
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
            return TempoParsing.ParseHits(body, errorSearch);
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
