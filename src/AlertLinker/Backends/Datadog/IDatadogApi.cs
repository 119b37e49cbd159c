using System.Text.Json.Serialization;
using Refit;

namespace AlertLinker.Backends.Datadog;

/// <summary>Datadog's spans search (the only trace API: there is no get-trace endpoint). Keys go as headers, per call.</summary>
internal interface IDatadogApi
{
    [Post("/api/v2/spans/events/search")]
    Task<HttpResponseMessage> SearchSpansAsync(
        [Body] DatadogSearchRequest request,
        [Header("DD-API-KEY")] string apiKey,
        [Header("DD-APPLICATION-KEY")] string appKey,
        CancellationToken cancellationToken);
}

/// <summary><c>{"data":{"type":"search_request","attributes":{filter, page, sort}}}</c>.</summary>
internal sealed record DatadogSearchRequest(DatadogSearchData Data)
{
    public static DatadogSearchRequest For(string query, DateTimeOffset from, DateTimeOffset to, int limit, string sort, string? cursor = null) =>
        new(new DatadogSearchData("search_request", new DatadogSearchAttributes(
            // The API reads times as ISO 8601, date math or epoch milliseconds.
            new DatadogFilter(query, BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(from)), BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(to))),
            new DatadogPage(limit, cursor),
            sort)));
}

internal sealed record DatadogSearchData(string Type, DatadogSearchAttributes Attributes);

internal sealed record DatadogSearchAttributes(DatadogFilter Filter, DatadogPage Page, string Sort);

internal sealed record DatadogFilter(string Query, string From, string To);

internal sealed record DatadogPage(
    int Limit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cursor);
