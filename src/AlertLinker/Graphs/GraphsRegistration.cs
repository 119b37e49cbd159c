using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Graphs;

public static class GraphsRegistration
{
    /// <summary>Where the PrometheusExemplars backends are configured; read as plain configuration, not as that stage's options.</summary>
    private const string BackendsSection = "AlertLinker:Backends";

    /// <summary>
    /// <see cref="IAlertGraphs"/>: options from <c>AlertLinker:Graphs</c> checked at start-up; without
    /// <c>Graphs:PrometheusUrl</c> the first <c>PrometheusExemplars</c> backend's ApiUrl, UiUrl and Headers are used.
    /// </summary>
    public static IServiceCollection AddGraphs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GraphOptions>()
            .BindConfiguration(GraphOptions.SectionName)
            .PostConfigure(options => FromExemplarBackend(options, configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GraphOptions>, GraphOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(PrometheusRangeQuery.ClientName)
            .ConfigureHttpClient(client => client.Timeout = TimeSpan.FromSeconds(10))
            // The default request logging writes the URL; credentials may sit in it.
            .RemoveAllLoggers();
        services.TryAddSingleton<PrometheusRangeQuery>();
        services.TryAddSingleton<IAlertGraphs, AlertGrapher>();
        return services;
    }

    internal static void FromExemplarBackend(GraphOptions options, IConfiguration configuration)
    {
        if (options.PrometheusUrl is not null)
            return;
        var backend = configuration.GetSection(BackendsSection).GetChildren()
            .FirstOrDefault(b => string.Equals(b["Type"], "PrometheusExemplars", StringComparison.OrdinalIgnoreCase)
                && Uri.TryCreate(b["ApiUrl"], UriKind.Absolute, out _));
        if (backend is null)
            return;
        options.PrometheusUrl = new Uri(backend["ApiUrl"]!);
        if (options.UiUrl is null && Uri.TryCreate(backend["UiUrl"], UriKind.Absolute, out var ui))
            options.UiUrl = ui;
        if (options.Headers.Count == 0)
        {
            foreach (var header in backend.GetSection("Headers").GetChildren())
                options.Headers[header.Key] = header.Value ?? "";
        }
    }
}
