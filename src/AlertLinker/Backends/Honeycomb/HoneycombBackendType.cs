using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Honeycomb;

internal sealed class HoneycombBackendType : IBackendType
{
    public const string TypeName = "Honeycomb";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<HoneycombOptions, IHoneycombApi>(services, name,
            SectionDefaults.With(section, [("ApiUrl", HoneycombOptions.DefaultApiUrl), ("UiUrl", HoneycombOptions.DefaultUiUrl)]),
            (sp, options, api) => new HoneycombBackend(
                name,
                api,
                options,
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILogger<HoneycombBackend>>()));
}
