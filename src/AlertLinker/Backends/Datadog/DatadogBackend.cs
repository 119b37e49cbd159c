using System.Net;
using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Datadog;

/// <summary>
/// Datadog APM: Trace Explorer links, exemplars through the spans search (slow spans above a threshold, errored spans),
/// and whole traces through the same search by <c>trace_id:</c>. About 300 requests an hour are allowed, so every
/// alert costs two searches plus one per analysed trace page, and nothing is retried here.
/// </summary>
internal sealed partial class DatadogBackend(
    string name,
    IDatadogApi api,
    DatadogOptions options,
    IOptions<EnrichmentOptions> enrichment,
    ILogger<DatadogBackend> logger) : ITraceBackend
{
    private const string Route = "/api/v2/spans/events/search";

    /// <summary>A trace may have started before the alert's window and run past it.</summary>
    private static readonly TimeSpan TraceSlack = TimeSpan.FromMinutes(15);

    public string Name => name;

    public const string TypeName = "Datadog";

    public string Type => TypeName;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert)
    {
        if (alert.Service is null)
            return [];
        var slow = DatadogLinks.Query(alert.Service, options.Env, alert.Operation, minDuration: options.SlowThreshold);
        var errors = DatadogLinks.Query(alert.Service, options.Env, alert.Operation, errorsOnly: true);
        return
        [
            new BackendLink($"Datadog: slow traces of {alert.Service}", DatadogLinks.Explorer(options.UiBase, slow, alert.Window), slow),
            new BackendLink($"Datadog: errored traces of {alert.Service}", DatadogLinks.Explorer(options.UiBase, errors, alert.Window), errors),
        ];
    }

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        var query = DatadogLinks.Query(search.Service, options.Env, search.Operation, search.Attributes, search.MinDuration, search.ErrorsOnly);
        var title = search.ErrorsOnly ? $"Datadog: errored traces of {search.Service}" : $"Datadog: traces of {search.Service}";
        return new BackendLink(title, DatadogLinks.Explorer(options.UiBase, query, search.Window), query);
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) =>
        DatadogLinks.Trace(options.UiBase, DatadogParsing.DecimalId(traceId), null, window.Start);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        if (alert.Service is null)
            return [];
        var slowQuery = DatadogLinks.Query(alert.Service, options.Env, alert.Operation, minDuration: options.SlowThreshold);
        var errorQuery = DatadogLinks.Query(alert.Service, options.Env, alert.Operation, errorsOnly: true);
        var slow = SearchAsync(slowQuery, alert.Window.Start, alert.Window.End, options.SearchLimit, null, cancellationToken);
        var errors = SearchAsync(errorQuery, alert.Window.Start, alert.Window.End, options.SearchLimit, null, cancellationToken);
        await Task.WhenAll(slow, errors).ConfigureAwait(false);

        var candidates = (await slow.ConfigureAwait(false)).Spans.Select(s => DatadogParsing.Summarize(s, errorSearch: false))
            .Concat((await errors.ConfigureAwait(false)).Spans.Select(s => DatadogParsing.Summarize(s, errorSearch: true)))
            .Select(t => t with { Link = DatadogLinks.Trace(options.UiBase, t.TraceId, null, t.Start ?? alert.Window.Start) });
        return ExemplarPicker.Pick(candidates, enrichment.Value.Exemplars);
    }

    /// <summary>All spans of one trace: the spans search by <c>trace_id:</c>, at most <see cref="DatadogOptions.MaxTracePages"/> pages.</summary>
    public async Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        var query = "trace_id:" + DatadogParsing.DecimalId(traceId);
        var spans = new List<DatadogParsing.SpanData>();
        string? cursor = null;
        for (var page = 0; page < options.MaxTracePages; page++)
        {
            var result = await SearchAsync(query, window.Start - TraceSlack, window.End + TraceSlack, DatadogOptions.MaxPageLimit, cursor, cancellationToken)
                .ConfigureAwait(false);
            spans.AddRange(result.Spans);
            cursor = result.After;
            if (cursor is null || result.Spans.Count == 0)
                return DatadogParsing.ToTrace(spans);
        }
        Log.TraceCut(logger, name, options.MaxTracePages, spans.Count);
        return DatadogParsing.ToTrace(spans);
    }

    private async Task<DatadogParsing.Page> SearchAsync(
        string query, DateTimeOffset from, DateTimeOffset to, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var request = DatadogSearchRequest.For(query, from, to, limit, "-timestamp", cursor);
        using var response = await BackendHttp.SendAsync(() => api.SearchSpansAsync(request, options.ApiKey!, options.AppKey!, cancellationToken))
            .ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (!BackendHttp.IsSuccess(response.StatusCode))
            throw Failure(response, body);
        try
        {
            return DatadogParsing.ParsePage(body);
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(name, Route, e);
        }
    }

    /// <summary>What the user can act on: a bad query (422 with Datadog's detail), the rate limit (429), wrong keys (403).</summary>
    private HttpRequestException Failure(HttpResponseMessage response, string body)
    {
        var detail = DatadogParsing.ParseErrors(body);
        return response.StatusCode switch
        {
            HttpStatusCode.UnprocessableEntity => new HttpRequestException(
                $"{name}: {Route} rejected the query (422): {detail ?? "no detail"}", null, response.StatusCode),
            HttpStatusCode.TooManyRequests => new HttpRequestException(
                $"{name}: {Route} is rate limited (429; about 300 span searches an hour are allowed){RateLimitReset(response)}",
                null, response.StatusCode),
            HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new HttpRequestException(
                $"{name}: {Route} refused the keys ({(int)response.StatusCode}): check ApiKey and AppKey (apm_read scope) and Site",
                null, response.StatusCode),
            _ => BackendHttp.Unexpected(name, Route, response, body),
        };
    }

    private static string RateLimitReset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Reset", out var values) && values.FirstOrDefault() is { Length: > 0 } reset
            ? $"; resets in {reset} s"
            : "";

    private static partial class Log
    {
        [LoggerMessage(EventId = 3501, Level = LogLevel.Information,
            Message = "Datadog backend {Backend}: trace cut after {Pages} pages ({Spans} spans) to spare the rate limit")]
        public static partial void TraceCut(ILogger logger, string backend, int pages, int spans);
    }
}
