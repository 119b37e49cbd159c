namespace AlertLinker.Operability;

/// <summary>
/// Where the service listens when nothing says otherwise. Kestrel's own default is <c>http://localhost:5000</c>, which a
/// container, a Kubernetes Service or an Alertmanager on another machine cannot reach; a server listens on every
/// interface of its one port. <c>dotnet run</c> keeps its loopback address because launchSettings.json sets
/// <c>ASPNETCORE_URLS</c>, and that, like every other way of naming addresses, wins.
/// </summary>
public static class ListenAddress
{
    public const int DefaultPort = 8080;

    public const string Default = "http://0.0.0.0:8080";

    /// <summary>
    /// <see cref="Default"/>, or null when the configuration already names where to listen: <c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c> / <c>DOTNET_URLS</c> (key <c>urls</c>), <c>ASPNETCORE_HTTP_PORTS</c> / <c>HTTPS_PORTS</c>
    /// (keys <c>http_ports</c>, <c>https_ports</c>), or endpoints under <c>Kestrel:Endpoints</c>.
    /// </summary>
    public static string? DefaultUnlessConfigured(IConfiguration configuration)
    {
        string[] addressKeys = [WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey];
        if (addressKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key])))
            return null;
        return configuration.GetSection("Kestrel:Endpoints").GetChildren().Any() ? null : Default;
    }

    /// <summary>Listens on <see cref="Default"/> unless the configuration says where (see <see cref="DefaultUnlessConfigured"/>).</summary>
    public static WebApplicationBuilder ListenWhereAServerShould(this WebApplicationBuilder builder)
    {
        if (DefaultUnlessConfigured(builder.Configuration) is { } address)
            builder.WebHost.UseUrls(address);
        return builder;
    }
}
