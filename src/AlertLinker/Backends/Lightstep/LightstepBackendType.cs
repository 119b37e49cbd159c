namespace AlertLinker.Backends.Lightstep;

internal sealed class LightstepBackendType : IBackendType
{
    public const string TypeName = "Lightstep";

    public string Type => TypeName;

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        BackendRegistration.AddBackend<LightstepOptions, ILightstepApi>(services, name,
            SectionDefaults.With(section, [("ApiUrl", LightstepOptions.DefaultApiUrl), ("UiUrl", LightstepOptions.DefaultUiUrl)]),
            (_, options, api) => new LightstepBackend(name, api, options));
}
