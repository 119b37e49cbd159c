using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AlertLinker.Tests.Deploy;

/// <summary>The routes the service really maps (method and path), read from its endpoint data source.</summary>
internal static class AppRoutes
{
    private static readonly Lazy<Task<IReadOnlySet<string>>> Routes = new(ReadAsync);

    /// <summary>True when the service maps <paramref name="method"/> <paramref name="path"/>.</summary>
    public static async Task<bool> MapsAsync(string method, string path) =>
        (await Routes.Value).Contains($"{method.ToUpperInvariant()} {path}");

    public static async Task<string> DescribeAsync() => string.Join(", ", (await Routes.Value).Order(StringComparer.Ordinal));

    private static async Task<IReadOnlySet<string>> ReadAsync()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient(); // builds and starts the host, so every Map* has run
        var routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var path = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
                routes.Add($"{method} {path}");
        }
        return routes;
    }
}
