namespace AlertLinker.Backends.PrometheusExemplars;

// SKELETON: replaced by the real registration.
internal sealed class PrometheusExemplarsBackendType : IBackendType
{
    public string Type => "PrometheusExemplars";

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        throw new NotImplementedException("PrometheusExemplars backend is not built yet");
}
