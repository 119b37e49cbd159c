using Refit;

namespace AlertLinker.Backends.Tempo;

/// <summary>Tempo's HTTP API: TraceQL search.</summary>
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
}
