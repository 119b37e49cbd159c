using Microsoft.Extensions.Configuration;
using System.Net;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Operability;

public sealed class OperabilityTests
{
    [Fact]
    public async Task LivenessAndReadinessAnswerHealthyOnTheEmbeddedDefaults()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        Assert.Equal("Healthy", await client.GetStringAsync("/healthz"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task TheShippedExampleConfigurationPassesStartUpValidation()
    {
        var example = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(SharedFixtures.FindRepoRoot(), "appsettings.example.json"))
            .Build()
            .AsEnumerable()
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        using var scratch = new TempFolder();
        example["AlertLinker:Storage:Path"] = Path.Combine(scratch.Path, "example.db");
        example["AlertLinker:Runbooks:Directory"] = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");

        await using var app = new AlertLinkerApp(example);
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/readyz");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("alertlinker-example-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
