namespace AlertLinker.Backends.Tempo;

// SKELETON: replaced by the real registration.
internal sealed class TempoBackendType : IBackendType
{
    public string Type => "Tempo";

    public void Register(IServiceCollection services, string name, IConfigurationSection section) =>
        throw new NotImplementedException("Tempo backend is not built yet");
}
