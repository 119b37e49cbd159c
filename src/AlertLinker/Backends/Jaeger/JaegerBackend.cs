using System.Net;
using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Jaeger;

/// <summary>
/// Jaeger: UI deep links, and exemplars through whichever search API this Jaeger serves
/// (api_v3 trace summaries, api_v3 traces, v1), remembered once one has answered. The api_v3 traces and v1 searches
/// answer whole traces: the picked exemplars among them go to <see cref="SearchedTraces"/>, so they are not fetched again.
/// </summary>
internal sealed partial class JaegerBackend(
    string name,
    IJaegerApi api,
    JaegerOptions options,
    IOptions<EnrichmentOptions> enrichment,
    ILogger<JaegerBackend> logger,
    SearchedTraces? searched = null) : ITraceBackend
{
    /// <summary>The search APIs, newest first: the order Auto tries them in.</summary>
    internal enum SearchApi
    {
        V3Summaries,
        V3Traces,
        V1,
    }

    private static readonly IReadOnlyDictionary<string, string> ErrorTag = new Dictionary<string, string> { ["error"] = "true" };

    // -1 until a search API has answered; then the one to try first (Interlocked: alerts are enriched concurrently).
    private int remembered = -1;

    public string Name => name;

    public const string TypeName = "Jaeger";

    public string Type => TypeName;

    /// <summary>The search API that answered last, or null before the first search.</summary>
    internal SearchApi? RememberedApi => Volatile.Read(ref remembered) is var value and >= 0 ? (SearchApi)value : null;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        // Jaeger's search form needs a service.
        if (alert.Service is null)
            return [];
        return
        [
            new BackendLink(
                $"Jaeger: traces of {alert.Service}",
                JaegerLinks.Search(options.UiBase, alert.Service, alert.Operation, alert.Window, options.SearchLimit, options.MinDuration, null)),
            new BackendLink(
                $"Jaeger: errored traces of {alert.Service}",
                JaegerLinks.Search(options.UiBase, alert.Service, alert.Operation, alert.Window, options.SearchLimit, null, ErrorTag),
                JaegerLinks.TagsJson(ErrorTag)),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var tags = new Dictionary<string, string>(search.Attributes, StringComparer.Ordinal);
        if (search.ErrorsOnly)
            tags["error"] = "true";
        var url = JaegerLinks.Search(options.UiBase, search.Service, search.Operation, search.Window, search.Limit, search.MinDuration, tags);
        var title = search.ErrorsOnly ? $"Jaeger: errored traces of {search.Service}" : $"Jaeger: traces of {search.Service}";
        return new BackendLink(title, url, tags.Count > 0 ? JaegerLinks.TagsJson(tags) : null);
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => JaegerLinks.Trace(options.UiBase, traceId);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        if (alert.Service is null)
            return [];
        var tried = new List<SearchApi>();
        foreach (var searchApi in CandidateApis())
        {
            tried.Add(searchApi);
            var whole = new List<Trace>();
            var found = await SearchAsync(searchApi, alert, whole, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                Log.ApiMissing(logger, name, searchApi);
                continue;
            }
            if (Interlocked.Exchange(ref remembered, (int)searchApi) != (int)searchApi)
                Log.ApiChosen(logger, name, searchApi);
            var linked = found.Select(t => t with { Link = JaegerLinks.Trace(options.UiBase, t.TraceId) });
            var picked = ExemplarPicker.Pick(linked, enrichment.Value.Exemplars);
            searched?.Found(name, whole, picked);
            return new ExemplarList(picked, SearchProfiles.Of(whole, found, enrichment.Value.EffectiveBusinessKeys));
        }
        throw new HttpRequestException(
            $"{name}: this Jaeger serves none of the search APIs tried ({string.Join(", ", tried)}, Api = {options.Api}); "
            + "check that ApiUrl points at jaeger-query (e.g. http://jaeger:16686/) including any base path");
    }

    /// <summary>
    /// The whole trace: api_v3 first, v1 where api_v3 is missing (v1 first once the search fell back to it, and
    /// per <see cref="JaegerOptions.Api"/>). Null when Jaeger no longer has the trace or its body is unreadable.
    /// </summary>
    public async Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        var id = TraceIds.Normalize(traceId);
        bool[] v3First = options.Api switch
        {
            JaegerApiVersion.V3 => [true],
            JaegerApiVersion.V1 => [false],
            _ => RememberedApi == SearchApi.V1 ? [false, true] : [true, false],
        };
        foreach (var v3 in v3First)
        {
            var (outcome, trace) = v3
                ? await TraceFetch.GetAsync(name, "/api/v3/traces/{id}", () => api.GetTraceV3Async(id, cancellationToken),
                    JaegerParsing.IsV3EmptySearch, body => Otlp.OtlpTraceParser.Parse(body, id), logger, cancellationToken).ConfigureAwait(false)
                : await TraceFetch.GetAsync(name, "/api/traces/{id}", () => api.GetTraceV1Async(id, cancellationToken),
                    JaegerParsing.IsV1NotFound, JaegerTraceParser.Parse, logger, cancellationToken).ConfigureAwait(false);
            if (outcome != TraceFetchOutcome.RouteMissing)
                return trace;
            Log.TraceApiMissing(logger, name, v3 ? "api_v3" : "v1");
        }
        throw new HttpRequestException($"{name}: this Jaeger serves no trace-by-id API (Api = {options.Api}); "
            + "check that ApiUrl points at jaeger-query (e.g. http://jaeger:16686/) including any base path");
    }

    /// <summary>The services this Jaeger knows: api_v3 first, v1 where api_v3 is missing (v1 first once the search fell back to it).</summary>
    public async Task<IReadOnlyList<string>?> GetServicesAsync(CancellationToken cancellationToken)
    {
        bool[] v3First = options.Api switch
        {
            JaegerApiVersion.V3 => [true],
            JaegerApiVersion.V1 => [false],
            _ => RememberedApi == SearchApi.V1 ? [false, true] : [true, false],
        };
        foreach (var v3 in v3First)
        {
            var services = v3
                ? await SearchProfiles.GetAsync(name, "/api/v3/services", () => api.GetServicesV3Async(cancellationToken), cancellationToken).ConfigureAwait(false)
                : await SearchProfiles.GetAsync(name, "/api/services", () => api.GetServicesV1Async(cancellationToken), cancellationToken).ConfigureAwait(false);
            if (services is not null)
                return services;
        }
        return null;
    }

    /// <summary>The remembered API first, then the others in order: a Jaeger upgraded under us is found again.</summary>
    private IEnumerable<SearchApi> CandidateApis()
    {
        SearchApi[] allowed = options.Api switch
        {
            JaegerApiVersion.V3 => [SearchApi.V3Summaries, SearchApi.V3Traces],
            JaegerApiVersion.V1 => [SearchApi.V1],
            _ => [SearchApi.V3Summaries, SearchApi.V3Traces, SearchApi.V1],
        };
        return RememberedApi is { } first && allowed.Contains(first)
            ? allowed.Where(a => a == first).Concat(allowed.Where(a => a != first))
            : allowed;
    }

    /// <summary>Slow and errored traces of the window from one API; null when this Jaeger does not serve that API.</summary>
    private async Task<IReadOnlyList<TraceSummary>?> SearchAsync(SearchApi searchApi, ResolvedAlert alert, List<Trace> whole, CancellationToken cancellationToken)
    {
        var all = QueryAsync(searchApi, alert, errorsOnly: false, whole, cancellationToken);
        var errored = QueryAsync(searchApi, alert, errorsOnly: true, whole, cancellationToken);
        var results = await Task.WhenAll(all, errored).ConfigureAwait(false);
        if (results[0] is null || results[1] is null)
            return null;
        // Versions before v2.19 ignore query.attributes: only traces that really failed count as errored.
        return results[0]!.Concat(results[1]!.Where(t => t.Error)).ToList();
    }

    private async Task<IReadOnlyList<TraceSummary>?> QueryAsync(
        SearchApi searchApi, ResolvedAlert alert, bool errorsOnly, List<Trace> whole, CancellationToken cancellationToken)
    {
        var service = alert.Service!;
        var operation = string.IsNullOrEmpty(alert.Operation) ? null : alert.Operation;
        var minDuration = errorsOnly || options.MinDuration is null ? null : BackendTime.ToGoDuration(options.MinDuration.Value);
        var tags = errorsOnly ? JaegerLinks.TagsJson(ErrorTag) : null;
        var route = searchApi switch
        {
            SearchApi.V3Summaries => "/api/v3/trace-summaries",
            SearchApi.V3Traces => "/api/v3/traces",
            _ => "/api/traces",
        };

        JaegerV3Query V3Query() => new(service, operation,
            BackendTime.ToRfc3339(alert.Window.Start), BackendTime.ToRfc3339(alert.Window.End),
            minDuration, options.SearchLimit, tags);

        using var response = await BackendHttp.SendAsync(() => searchApi switch
        {
            SearchApi.V3Summaries => api.FindTraceSummariesAsync(V3Query(), cancellationToken),
            SearchApi.V3Traces => api.FindTracesV3Async(V3Query(), cancellationToken),
            _ => api.FindTracesV1Async(service, operation,
                BackendTime.ToUnixMicroseconds(alert.Window.Start), BackendTime.ToUnixMicroseconds(alert.Window.End),
                options.SearchLimit, minDuration, tags, cancellationToken),
        }).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);

        if (!BackendHttp.IsSuccess(response.StatusCode))
        {
            // api_v3 answers an empty search with 404 in its own error envelope; a server without the route
            // answers 404 with a plain "404 page not found" (or an HTML page), or 405 for a method-only route.
            if (response.StatusCode == HttpStatusCode.NotFound && searchApi != SearchApi.V1 && JaegerParsing.IsV3EmptySearch(body))
                return [];
            // 501: the route exists but this Jaeger's storage cannot serve the query; the next API may.
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
                return null;
            throw BackendHttp.Unexpected(name, route, response, body);
        }

        // A UI in front of the API answers unknown routes with its index.html, 200 OK.
        if (!body.TrimStart().StartsWith('{'))
            return null;

        IReadOnlyList<TraceSummary> summaries;
        try
        {
            summaries = searchApi switch
            {
                SearchApi.V3Summaries => JaegerParsing.ParseTraceSummaries(body),
                SearchApi.V3Traces => JaegerParsing.ParseV3Traces(body),
                _ => JaegerParsing.ParseV1Traces(body),
            };
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(name, route, e);
        }
        if (searchApi != SearchApi.V3Summaries && summaries.Count > 0)
            Keep(whole, WholeTraces(searchApi, body));
        return summaries;
    }

    /// <summary>The search's traces, whole; none when the body does not read as traces (the exemplar is then fetched by id).</summary>
    private static IReadOnlyList<Trace> WholeTraces(SearchApi searchApi, string body)
    {
        try
        {
            if (searchApi == SearchApi.V1)
                return JaegerTraceParser.ParseAll(body);
            // api_v3 answers one OTLP TracesData holding the spans of every trace found.
            return Otlp.OtlpTraceParser.Parse(body).Spans
                .GroupBy(s => s.TraceId, StringComparer.Ordinal)
                .Select(g => new Trace(g.Key, g.ToList()))
                .ToList();
        }
        catch (TraceFormatException)
        {
            return [];
        }
    }

    private static void Keep(List<Trace> whole, IReadOnlyList<Trace> traces)
    {
        // The two searches of one alert run concurrently.
        lock (whole)
            whole.AddRange(traces);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
            Message = "Jaeger backend {Backend}: searching through {Api} from now on")]
        public static partial void ApiChosen(ILogger logger, string backend, SearchApi api);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Debug,
            Message = "Jaeger backend {Backend}: {Api} is not served here, trying the next search API")]
        public static partial void ApiMissing(ILogger logger, string backend, SearchApi api);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Debug,
            Message = "Jaeger backend {Backend}: the {Api} trace-by-id route is not served here, trying the next one")]
        public static partial void TraceApiMissing(ILogger logger, string backend, string api);
    }
}
