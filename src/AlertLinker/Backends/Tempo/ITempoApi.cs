using Refit;

namespace AlertLinker.Backends.Tempo;

/// <summary>Tempo's HTTP API: TraceQL search and trace by id.</summary>
internal interface ITempoApi
{
    /// <summary><c>GET /api/search</c>: start/end in unix seconds; results are the first found, not sorted.</summary>
    [Get("/api/search")]
    Task<HttpResponseMessage> SearchAsync(
        string q,
        long start,
        long end,
        int limit,
        int spss,
        [Header("X-Scope-OrgID")] string? tenant,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /api/v2/search/tag/resource.service.name/values</c>: <c>{"tagValues":[{"type":"string","value":"…"}]}</c>.
    /// </summary>
    [Get("/api/v2/search/tag/resource.service.name/values")]
    Task<HttpResponseMessage> GetServiceNamesAsync(
        [Header("X-Scope-OrgID")] string? tenant,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /api/traces/{id}</c>: OTLP JSON in the legacy <c>batches</c> shape (base64 ids, enum names). Served by every
    /// Tempo version, unlike <c>/api/v2/traces/{id}</c> (2.6+); the parser reads both shapes.
    /// </summary>
    [Get("/api/traces/{traceId}")]
    Task<HttpResponseMessage> GetTraceAsync(
        string traceId,
        [Header("X-Scope-OrgID")] string? tenant,
        CancellationToken cancellationToken);
}
