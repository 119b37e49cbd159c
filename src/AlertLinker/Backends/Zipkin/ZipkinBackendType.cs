using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Zipkin;

internal sealed class ZipkinBackendType : IBackendType
{
    public const string TypeName = "Zipkin";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<ZipkinOptions, IZipkinApi>(services, name, section, (sp, options, api) =>
            new ZipkinBackend(
                name,
                api,
                options,
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetRequiredService<ILogger<ZipkinBackend>>()));
}
