using Refit;

namespace AlertLinker.Backends.PrometheusExemplars;

/// <summary>Prometheus HTTP API: exemplar queries.</summary>
internal interface IPrometheusApi
{
    /// <summary><c>GET /api/v1/query_exemplars</c>: start/end in unix seconds. Raw, because a 400 <c>status: error</c> is an answer too.</summary>
    [Get("/api/v1/query_exemplars")]
    Task<HttpResponseMessage> QueryExemplarsAsync(string query, long start, long end, CancellationToken cancellationToken);
}
