using Refit;

namespace AlertLinker.Backends.Lightstep;

/// <summary>Lightstep's public API: stored traces, looked up by one of their span ids.</summary>
internal interface ILightstepApi
{
    [Get("/public/v0.2/{organization}/projects/{project}/stored-traces")]
    Task<HttpResponseMessage> GetStoredTracesAsync(
        string organization,
        string project,
        [AliasAs("span-id")] string spanId,
        [Header("Authorization")] string authorization,
        CancellationToken cancellationToken);
}
