namespace AlertLinker.Backends;

/// <summary>Finds configured backends by name, lazily (an exemplar backend links into another backend's trace view).</summary>
public sealed class BackendDirectory(IServiceProvider services)
{
    private readonly Lazy<IReadOnlyList<ITraceBackend>> all = new(() => services.GetServices<ITraceBackend>().ToList());

    public IReadOnlyList<ITraceBackend> All => all.Value;

    public ITraceBackend? Find(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
}
