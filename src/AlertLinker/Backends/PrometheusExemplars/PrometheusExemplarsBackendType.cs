using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.PrometheusExemplars;

internal sealed class PrometheusExemplarsBackendType : IBackendType
{
    public const string TypeName = "PrometheusExemplars";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<PrometheusExemplarsOptions, IPrometheusApi>(services, name, section, (sp, options, api) =>
            new PrometheusExemplarsBackend(
                name,
                api,
                options,
                sp.GetRequiredService<BackendDirectory>(),
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetRequiredService<ILogger<PrometheusExemplarsBackend>>()));
}
