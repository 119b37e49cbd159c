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
        // Bot mode asks Slack's auth.test at start-up: a stand-in on loopback that takes the example's token.
        using var slack = WireMock.Server.WireMockServer.Start();
        slack.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/auth.test").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"team":"Example","user":"alertlinker","team_id":"T0EXAMPLE","bot_id":"B0EXAMPLE"}"""));
        example["AlertLinker:Slack:ApiUrl"] = $"http://127.0.0.1:{slack.Port}/api/";
        example["AlertLinker:Slack:VerifyTokenOnStart"] = "true";

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
