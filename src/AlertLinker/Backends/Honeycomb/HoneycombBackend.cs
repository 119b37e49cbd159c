using System.Net;
using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Honeycomb;

/// <summary>
/// Honeycomb: query-template and trace links, exemplars through the Query Data API (the slowest traces, and the
/// slowest with errored spans). Its API serves no whole traces, so exemplars are not analysed.
/// </summary>
internal sealed partial class HoneycombBackend(
    string name,
    IHoneycombApi api,
    HoneycombOptions options,
    IOptions<EnrichmentOptions> enrichment,
    TimeProvider time,
    ILogger<HoneycombBackend> logger) : ITraceBackend
{
    public const string Limitation = "Honeycomb's API serves no whole traces: exemplars are linked, not analysed";

    public string Name => name;

    public const string TypeName = "Honeycomb";

    public string Type => TypeName;

    public BackendCapabilities Capabilities { get; } = new(ExemplarSearch: true, FullTraces: false, Limitation);

    private string Dataset => options.Dataset!;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        if (alert.Service is null)
            return [];
        var slow = HoneycombQuerySpec.SlowestTraces(alert.Service, alert.Operation, alert.Window, options.SearchLimit);
        var errors = HoneycombQuerySpec.SlowestTraces(alert.Service, alert.Operation, alert.Window, options.SearchLimit, errorsOnly: true);
        return
        [
            new BackendLink($"Honeycomb: slowest traces of {alert.Service}", QueryLink(slow), slow.ToJson()),
            new BackendLink($"Honeycomb: errored traces of {alert.Service}", QueryLink(errors), errors.ToJson()),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var spec = HoneycombQuerySpec.SlowestTraces(search.Service, search.Operation, search.Window, search.Limit,
            search.Attributes, search.ErrorsOnly, search.MinDuration);
        var title = search.ErrorsOnly ? $"Honeycomb: errored traces of {search.Service}" : $"Honeycomb: traces of {search.Service}";
        return new BackendLink(title, QueryLink(spec), spec.ToJson());
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) =>
        HoneycombLinks.Trace(options.UiBase, options.Team!, options.Environment, Dataset, traceId, window);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        if (alert.Service is null)
            return [];
        var slow = RunAsync(HoneycombQuerySpec.SlowestTraces(alert.Service, alert.Operation, alert.Window, options.SearchLimit), alert.Service, false, cancellationToken);
        var errors = RunAsync(HoneycombQuerySpec.SlowestTraces(alert.Service, alert.Operation, alert.Window, options.SearchLimit, errorsOnly: true), alert.Service, true, cancellationToken);
        await Task.WhenAll(slow, errors).ConfigureAwait(false);
        var candidates = (await slow.ConfigureAwait(false)).Concat(await errors.ConfigureAwait(false))
            .Select(t => t with { Link = BuildTraceLink(t.TraceId, alert.Window) });
        return ExemplarPicker.Pick(candidates, enrichment.Value.Exemplars);
    }

    /// <summary>Create the query, create its result, poll until complete: the caller's token (the enrichment budget) bounds the wait.</summary>
    private async Task<IReadOnlyList<TraceSummary>> RunAsync(HoneycombQuerySpec spec, string service, bool errorSearch, CancellationToken cancellationToken)
    {
        var queryBody = await SendAsync("/1/queries", () => api.CreateQueryAsync(Dataset, spec, options.ApiKey!, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        var queryId = Parse("/1/queries", () => HoneycombParsing.ParseQueryId(queryBody));

        var resultBody = await SendAsync("/1/query_results",
            () => api.CreateQueryResultAsync(Dataset, new HoneycombResultRequest(queryId, DisableSeries: true, spec.Limit), options.ApiKey!, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var result = Parse("/1/query_results", () => HoneycombParsing.ParseResult(resultBody, service, errorSearch));
        var resultId = result.Id ?? throw BackendHttp.Unreadable(name, "/1/query_results", new JsonException("the created query result has no id"));

        for (var polls = 1; !result.Complete; polls++)
        {
            await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            var body = await SendAsync("/1/query_results/{id}", () => api.GetQueryResultAsync(Dataset, resultId, options.ApiKey!, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            result = Parse("/1/query_results/{id}", () => HoneycombParsing.ParseResult(body, service, errorSearch));
            if (result.Complete)
                Log.ResultReady(logger, name, polls);
        }
        return result.Traces;
    }

    private async Task<string> SendAsync(string route, Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        using var response = await BackendHttp.SendAsync(send).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (BackendHttp.IsSuccess(response.StatusCode))
            return body;
        throw response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new HttpRequestException(
                $"{name}: {route} is rate limited (429{RetryAfter(response)}); the Query Data API limits queries per team, links still work",
                null, response.StatusCode),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new HttpRequestException(
                $"{name}: {route} refused the key ({(int)response.StatusCode}): check that it may run queries",
                null, response.StatusCode),
            _ when HoneycombParsing.ParseError(body) is { } error => new HttpRequestException(
                $"{name}: {route} answered {(int)response.StatusCode}: {error}", null, response.StatusCode),
            _ => BackendHttp.Unexpected(name, route, response, body),
        };
    }

    private T Parse<T>(string route, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(name, route, e);
        }
    }

    private static string RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta ? $", retry after {delta.TotalSeconds:0} s" : "";

    private Uri QueryLink(HoneycombQuerySpec spec) => HoneycombLinks.Query(options.UiBase, options.Team!, options.Environment, Dataset, spec);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Honeycomb backend {Backend}: query result complete after {Polls} polls")]
        public static partial void ResultReady(ILogger logger, string backend, int polls);
    }
}
