using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Tempo;

internal sealed class TempoBackendType : IBackendType
{
    public const string TypeName = "Tempo";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<TempoOptions, ITempoApi>(services, name, section, (sp, options, api) =>
            new TempoBackend(
                name,
                api,
                options,
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetRequiredService<ILogger<TempoBackend>>()));
}
