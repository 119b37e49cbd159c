using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Zipkin;

/// <summary>
/// Zipkin: UI deep links, exemplars through <c>/api/v2/traces</c> (whole traces, summarized here; the picked ones are
/// handed to <see cref="SearchedTraces"/> so they are not fetched again), and whole traces through
/// <c>/api/v2/trace/{id}</c>.
/// </summary>
internal sealed class ZipkinBackend(
    string name,
    IZipkinApi api,
    ZipkinOptions options,
    IOptions<EnrichmentOptions> enrichment,
    ILogger<ZipkinBackend> logger,
    SearchedTraces? searched = null) : ITraceBackend
{
    public string Name => name;

    public const string TypeName = "Zipkin";

    public string Type => TypeName;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        // Zipkin's search form needs a service.
        if (alert.Service is null)
            return [];
        return
        [
            new BackendLink(
                $"Zipkin: traces of {alert.Service}",
                ZipkinLinks.Search(options.UiBase, alert.Service, alert.Operation, alert.Window, options.SearchLimit, options.MinDuration, null)),
            new BackendLink(
                $"Zipkin: errored traces of {alert.Service}",
                ZipkinLinks.Search(options.UiBase, alert.Service, alert.Operation, alert.Window, options.SearchLimit, null, ZipkinLinks.ErrorQuery),
                ZipkinLinks.ErrorQuery),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var query = ZipkinLinks.AnnotationQuery(search.Attributes, search.ErrorsOnly);
        var url = ZipkinLinks.Search(options.UiBase, search.Service, search.Operation, search.Window, search.Limit, search.MinDuration, query);
        var title = search.ErrorsOnly ? $"Zipkin: errored traces of {search.Service}" : $"Zipkin: traces of {search.Service}";
        return new BackendLink(title, url, query);
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => ZipkinLinks.Trace(options.UiBase, traceId);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        if (alert.Service is null)
            return [];
        var all = SearchAsync(alert, options.MinDuration, null, cancellationToken);
        var errored = SearchAsync(alert, null, ZipkinLinks.ErrorQuery, cancellationToken);
        await Task.WhenAll(all, errored).ConfigureAwait(false);
        var (slow, failed) = (await all.ConfigureAwait(false), await errored.ConfigureAwait(false));
        var candidates = slow.Select(t => t.Summary)
            .Concat(failed.Select(t => t.Summary).Where(t => t.Error))
            .Select(t => t with { Link = ZipkinLinks.Trace(options.UiBase, t.TraceId) });
        var picked = ExemplarPicker.Pick(candidates, enrichment.Value.Exemplars);
        var traces = slow.Concat(failed).ToList();
        searched?.Found(name, traces.Select(t => t.Trace), picked);
        return new ExemplarList(picked, SearchProfiles.Of(traces.Select(t => t.Trace), traces.Select(t => t.Summary), enrichment.Value.EffectiveBusinessKeys));
    }

    public Task<IReadOnlyList<string>?> GetServicesAsync(CancellationToken cancellationToken) =>
        SearchProfiles.GetAsync(name, "/api/v2/services", () => api.GetServicesAsync(cancellationToken), cancellationToken);

    public async Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        var id = TraceIds.Normalize(traceId);
        var (outcome, trace) = await TraceFetch.GetAsync(
            name,
            "/api/v2/trace/{id}",
            () => api.GetTraceAsync(id, cancellationToken),
            isGone: _ => true,
            body => ZipkinTraceParser.Parse(body, id),
            logger,
            cancellationToken).ConfigureAwait(false);
        if (outcome == TraceFetchOutcome.RouteMissing)
            throw new HttpRequestException($"{name}: /api/v2/trace/{{id}} is not served here; check that ApiUrl points at the Zipkin server (e.g. http://zipkin:9411/)");
        return trace;
    }

    private async Task<IReadOnlyList<(Trace Trace, TraceSummary Summary)>> SearchAsync(
        ResolvedAlert alert, TimeSpan? minDuration, string? annotationQuery, CancellationToken cancellationToken)
    {
        var window = alert.Window;
        using var response = await BackendHttp.SendAsync(() => api.FindTracesAsync(
            alert.Service!,
            string.IsNullOrEmpty(alert.Operation) ? null : alert.Operation,
            annotationQuery,
            minDuration is { } min ? (long)min.TotalMicroseconds : null,
            BackendTime.ToUnixMilliseconds(window.End),
            // Zipkin looks back from endTs; rounding up keeps the window's first millisecond.
            (long)Math.Ceiling((window.End - window.Start).TotalMilliseconds),
            options.SearchLimit,
            cancellationToken)).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (!BackendHttp.IsSuccess(response.StatusCode))
            throw BackendHttp.Unexpected(name, "/api/v2/traces", response, body);
        try
        {
            return ZipkinTraceParser.ParseTraces(body)
                .Select(trace => (trace, TraceSummaries.From(trace)))
                .Where(t => t.Item2 is not null)
                .Select(t => (t.trace, t.Item2!))
                .ToList();
        }
        catch (TraceFormatException e)
        {
            throw BackendHttp.Unreadable(name, "/api/v2/traces", e);
        }
    }
}
