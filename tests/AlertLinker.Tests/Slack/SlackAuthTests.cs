using System.Net;
using AlertLinker.Tests.Backends;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Slack;

public sealed class SlackAuthTests : IDisposable
{
    private readonly WireMockServer slack = WireMockServer.Start();

    public void Dispose() => slack.Dispose();

    private AlertLinkerApp BotApp(string authTestBody)
    {
        slack.Given(Request.Create().WithPath("/api/auth.test").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(authTestBody));
        return new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Slack:BotToken"] = "xoxb-revoked-token",
            ["AlertLinker:Slack:Channel"] = "C0ALERTS",
            ["AlertLinker:Slack:ApiUrl"] = slack.LoopbackUrl() + "api/",
            ["AlertLinker:Slack:VerifyTokenOnStart"] = "true",
        });
    }

    [Fact]
    public async Task ASlackThatRefusesTheTokenShowsOnReadinessAndTheServiceKeepsRunning()
    {
        await using var app = BotApp("""{"ok":false,"error":"invalid_auth"}""");
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/readyz");
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        // Degraded, still 200: alerts keep being accepted and stored while the token is fixed.
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readiness = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("degraded", (string?)readiness["status"]);
        Assert.Contains(readiness["checks"]!.AsArray(), c => (string?)c!["name"] == "slack" && (string?)c["status"] == "degraded");
        var entry = report.Entries["slack"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Slack refuses the bot token (invalid_auth)", entry.Description, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => app.Logs.Any(l => l.Contains("Slack auth.test: Slack refuses the bot token (invalid_auth)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the refusal in the log");
        Assert.DoesNotContain(app.Logs, l => l.Contains("xoxb-revoked-token", StringComparison.Ordinal));
        Assert.Equal("Bearer xoxb-revoked-token", slack.LogEntries.First().RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task AnAcceptedTokenIsHealthyAndNamesTheWorkspace()
    {
        await using var app = BotApp("""{"ok":true,"url":"https://example.slack.com/","team":"Example","user":"alertlinker","team_id":"T0EXAMPLE","user_id":"U0BOT","bot_id":"B0BOT"}""");
        using var client = app.CreateClient();

        Assert.Equal("healthy", (string?)System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/readyz"))!["status"]);
        var entry = (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["slack"];
        Assert.Equal("the bot token is accepted (workspace Example, bot user alertlinker)", entry.Description);
    }
}
