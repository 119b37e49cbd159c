using System.Text.Json.Serialization;
using Refit;

namespace AlertLinker.Backends.Honeycomb;

/// <summary>Honeycomb's Query Data API: create a query, create its result, poll the result until complete.</summary>
internal interface IHoneycombApi
{
    [Post("/1/queries/{dataset}")]
    Task<HttpResponseMessage> CreateQueryAsync(
        string dataset, [Body] HoneycombQuerySpec spec, [Header("X-Honeycomb-Team")] string apiKey, CancellationToken cancellationToken);

    [Post("/1/query_results/{dataset}")]
    Task<HttpResponseMessage> CreateQueryResultAsync(
        string dataset, [Body] HoneycombResultRequest request, [Header("X-Honeycomb-Team")] string apiKey, CancellationToken cancellationToken);

    [Get("/1/query_results/{dataset}/{id}")]
    Task<HttpResponseMessage> GetQueryResultAsync(
        string dataset, string id, [Header("X-Honeycomb-Team")] string apiKey, CancellationToken cancellationToken);
}

/// <summary><c>{"query_id","disable_series":true,"limit"}</c>.</summary>
internal sealed record HoneycombResultRequest(
    [property: JsonPropertyName("query_id")] string QueryId,
    [property: JsonPropertyName("disable_series")] bool DisableSeries,
    [property: JsonPropertyName("limit")] int Limit);
