using AlertLinker.Backends;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AlertLinker.Tests.Backends;

/// <summary>
/// Builds backends the way the service does (configuration → AddTraceBackends → Refit + resilience pipeline),
/// so WireMock tests exercise the real wiring.
/// </summary>
internal sealed class BackendTestHost : IDisposable
{
    private readonly ServiceProvider provider;
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider? fakeTime;

    public BackendTestHost(
        IDictionary<string, string?> settings, int exemplars = 3, TimeProvider? time = null, TimeSpan? cacheTtl = null, IReadOnlyList<string>? businessKeys = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug));
        services.Configure<EnrichmentOptions>(o =>
        {
            o.Exemplars = exemplars;
            // Backend tests count the requests of each call; the shared cache has its own tests.
            o.CacheTtl = cacheTtl ?? TimeSpan.Zero;
            // The budget ends every backend query (BackendQueryCache). Tests of a backend's own behaviour must not
            // fail because a loaded CI machine stalled this process for the default 5 s (seen once: a fallback test
            // cancelled mid-search while its neighbours took 3-5 s instead of milliseconds); budget tests pass
            // their own token.
            o.Budget = TimeSpan.FromMinutes(1);
            o.BusinessKeys = [.. businessKeys ?? []];
        });
        if (time is not null)
            services.AddSingleton(time);
        fakeTime = time as Microsoft.Extensions.Time.Testing.FakeTimeProvider;
        services.AddTraceBackends(configuration);
        provider = services.BuildServiceProvider();
        // As on start: a backend section with problems registers them as a failing validation, not a backend.
        try
        {
            provider.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    public ITraceBackend Backend(string name) =>
        provider.GetRequiredService<BackendDirectory>().Find(name) ?? throw new InvalidOperationException("no backend " + name);

    /// <summary>The backend itself, without the cache every configured backend is wrapped in.</summary>
    public T Inner<T>(string name) where T : ITraceBackend =>
        (T)((CachingTraceBackend)Backend(name)).Inner;

    public FakeLogCollector Logs => provider.GetRequiredService<FakeLogCollector>();

    /// <summary>
    /// Polly's pipelines, when disposed, wait on the TimeProvider for executions still winding down (a request a
    /// cancelled caller no longer waits for): with a fake clock the clock must keep moving meanwhile.
    /// </summary>
    public void Dispose()
    {
        if (fakeTime is null)
        {
            provider.Dispose();
            return;
        }
        var disposing = Task.Run(provider.Dispose);
        while (!disposing.Wait(10))
            fakeTime.Advance(TimeSpan.FromSeconds(1));
        disposing.GetAwaiter().GetResult();
    }

    /// <summary>Settings for one backend instance under AlertLinker:Backends:&lt;name&gt;.</summary>
    public static Dictionary<string, string?> Settings(string name, params (string Key, string? Value)[] keys)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in keys)
            settings[$"{BackendRegistration.SectionName}:{name}:{key}"] = value;
        return settings;
    }

    public static ResolvedAlert Alert(string? service, AlertWindow window, string? operation = null, string? expression = null) =>
        new(new Alert
            {
                Fingerprint = "fp",
                Status = AlertStatus.Firing,
                Name = "HighLatency",
                StartsAt = window.Start,
            },
            service,
            operation,
            window,
            expression);

    /// <summary>2026-11-23 10:00:00Z … 10:20:00Z.</summary>
    public static AlertWindow Window { get; } = new(
        new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 23, 10, 20, 0, TimeSpan.Zero));
}
