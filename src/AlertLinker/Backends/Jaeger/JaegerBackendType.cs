namespace AlertLinker.Backends.Jaeger;

// SKELETON: replaced by the real registration.
internal sealed class JaegerBackendType : IBackendType
{
    public string Type => "Jaeger";

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        throw new NotImplementedException("Jaeger backend is not built yet");
}
