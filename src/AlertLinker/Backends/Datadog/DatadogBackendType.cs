using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.Datadog;

internal sealed class DatadogBackendType : IBackendType
{
    public const string TypeName = "Datadog";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section)
    {
        var site = string.IsNullOrWhiteSpace(section["Site"]) ? DatadogOptions.DefaultSite : section["Site"]!;
        var withSite = SectionDefaults.With(section, [("ApiUrl", DatadogOptions.ApiUrlFor(site).AbsoluteUri), ("UiUrl", DatadogOptions.UiUrlFor(site).AbsoluteUri)]);
        BackendRegistration.AddBackend<DatadogOptions, IDatadogApi>(services, name, withSite, (sp, options, api) =>
            new DatadogBackend(
                name,
                api,
                options,
                sp.GetRequiredService<IOptions<EnrichmentOptions>>(),
                sp.GetRequiredService<ILogger<DatadogBackend>>()));
    }
}
