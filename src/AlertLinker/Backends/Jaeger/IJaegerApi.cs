using Refit;

namespace AlertLinker.Backends.Jaeger;

/// <summary>
/// Jaeger's search APIs. Raw responses on purpose: which API a Jaeger serves is told by the status and the body
/// of a 404 (a missing route versus api_v3's "No traces found"), which typed Refit results would hide.
/// </summary>
internal interface IJaegerApi
{
    /// <summary>api_v3 trace summaries (Jaeger v2.19+): one small record per trace, the best fit for exemplars.</summary>
    [Get("/api/v3/trace-summaries")]
    Task<HttpResponseMessage> FindTraceSummariesAsync([Query] JaegerV3Query query, CancellationToken cancellationToken);

    /// <summary>api_v3 trace search: whole traces as OTLP JSON with hex ids.</summary>
    [Get("/api/v3/traces")]
    Task<HttpResponseMessage> FindTracesV3Async([Query] JaegerV3Query query, CancellationToken cancellationToken);

    /// <summary>The v1 JSON API search (times in µs, tags as a JSON map). Removed from Jaeger after v2.20.</summary>
    [Get("/api/traces")]
    Task<HttpResponseMessage> FindTracesV1Async(
        string service,
        string? operation,
        long start,
        long end,
        int limit,
        string? minDuration,
        string? tags,
        CancellationToken cancellationToken);

    /// <summary>api_v3 services: <c>{"services":[…]}</c>.</summary>
    [Get("/api/v3/services")]
    Task<HttpResponseMessage> GetServicesV3Async(CancellationToken cancellationToken);

    /// <summary>v1 services: <c>{"data":[…],"total":n}</c>. Removed from Jaeger after v2.20, like the v1 search.</summary>
    [Get("/api/services")]
    Task<HttpResponseMessage> GetServicesV1Async(CancellationToken cancellationToken);

    /// <summary>api_v3 trace by id: <c>{"result":{OTLP TracesData}}</c>, hex ids.</summary>
    [Get("/api/v3/traces/{traceId}")]
    Task<HttpResponseMessage> GetTraceV3Async(string traceId, CancellationToken cancellationToken);

    /// <summary>v1 trace by id: <c>{"data":[trace]}</c>, times in µs. Kept after v2.20, unlike the v1 search.</summary>
    [Get("/api/traces/{traceId}")]
    Task<HttpResponseMessage> GetTraceV1Async(string traceId, CancellationToken cancellationToken);
}

/// <summary>
/// The parameters both api_v3 searches take (<c>query.*</c>), in this order; a null one is left out of the URL.
/// </summary>
internal sealed record JaegerV3Query(
    [property: AliasAs("query.service_name")] string ServiceName,
    [property: AliasAs("query.operation_name")] string? OperationName,
    [property: AliasAs("query.start_time_min")] string StartTimeMin,
    [property: AliasAs("query.start_time_max")] string StartTimeMax,
    [property: AliasAs("query.duration_min")] string? DurationMin,
    [property: AliasAs("query.num_traces")] int NumTraces,
    [property: AliasAs("query.attributes")] string? Attributes);
