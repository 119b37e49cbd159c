using Refit;

namespace AlertLinker.Backends.Zipkin;

/// <summary>Zipkin's v2 API (zipkin2-api.yaml). Raw responses: a 404 for a trace means "gone", not a failure.</summary>
internal interface IZipkinApi
{
    /// <summary><c>GET /api/v2/traces</c>: <c>[[span…],…]</c>; endTs and lookback in ms, minDuration in µs.</summary>
    [Get("/api/v2/traces")]
    Task<HttpResponseMessage> FindTracesAsync(
        string serviceName,
        string? spanName,
        string? annotationQuery,
        long? minDuration,
        long endTs,
        long lookback,
        int limit,
        CancellationToken cancellationToken);

    /// <summary><c>GET /api/v2/services</c>: <c>["a","b"]</c>, the service names Zipkin has spans of.</summary>
    [Get("/api/v2/services")]
    Task<HttpResponseMessage> GetServicesAsync(CancellationToken cancellationToken);

    /// <summary><c>GET /api/v2/trace/{traceId}</c>: <c>[span…]</c>, 404 when the trace is not (or no longer) stored.</summary>
    [Get("/api/v2/trace/{traceId}")]
    Task<HttpResponseMessage> GetTraceAsync(string traceId, CancellationToken cancellationToken);
}
