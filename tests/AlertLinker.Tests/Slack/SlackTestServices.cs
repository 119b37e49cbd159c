using AlertLinker.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AlertLinker.Tests.Slack;

/// <summary>
/// The Slack stage as its tests build it: <c>AddSlack()</c> over settings under <c>AlertLinker:Slack</c>, on the
/// test's clock, every log line of every provider into one collector. Each <see cref="Get{T}"/> builds a fresh
/// provider (the previous one disposed); the last goes with the test.
/// </summary>
internal sealed class SlackTestServices(TimeProvider time) : IDisposable
{
    private ServiceProvider? provider;

    public FakeLogCollector Logs { get; } = new();

    /// <param name="configure">Registrations before <c>AddSlack()</c>, which then keeps them (a message store, a chat).</param>
    public T Get<T>(IEnumerable<(string Key, string Value)> settings, Action<IServiceCollection>? configure = null) where T : notnull
    {
        provider?.Dispose();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(SlackOptions.SectionName + ":" + s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        configure?.Invoke(services);
        services.AddSlack();
        provider = services.BuildServiceProvider();
        return provider.GetRequiredService<T>();
    }

    public void Dispose() => provider?.Dispose();
}
