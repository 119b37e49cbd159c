using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Jaeger;

internal sealed class JaegerBackendType : IBackendType
{
    public const string TypeName = "Jaeger";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<JaegerOptions, IJaegerApi>(services, name, section, (sp, options, api) =>
            new JaegerBackend(
                name,
                api,
                options,
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetRequiredService<ILogger<JaegerBackend>>()));
}
