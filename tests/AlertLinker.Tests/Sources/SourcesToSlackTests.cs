using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

/// <summary>
/// Each new source through the real pipeline (SQLite store, delivery worker, enricher, Slack sink) into a Slack stand-in,
/// with Jaeger stood in by WireMock serving its real fixtures.
/// </summary>
public sealed class SourcesToSlackTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly WireMockServer slack = StandIns.Slack();
    private readonly WireMockServer jaeger = StandIns.Jaeger();
    private AlertLinkerApp app = null!;

    public Task InitializeAsync()
    {
        app = new AlertLinkerApp(TestSettings.Of(TestSettings.SlackBot(slack), TestSettings.Jaeger(jaeger.Url), new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Grafana:BearerToken"] = GrafanaToken,
            ["AlertLinker:Sources:Opsgenie:BearerToken"] = OpsgenieToken,
            ["AlertLinker:Sources:Opsgenie:ServiceSource"] = "Entity",
            ["AlertLinker:Sources:PagerDuty:SigningSecrets:0"] = PagerDutySecret,
            // The Grafana capture names no service label; its folder stands in for one here.
            ["AlertLinker:Services:LabelPrecedence:0"] = "service",
            ["AlertLinker:Services:LabelPrecedence:1"] = "grafana_folder",
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        slack.Stop();
        jaeger.Stop();
    }

    [Theory]
    [InlineData("pagerduty", "webhooks/pagerduty/v3-zulip-incident.triggered.json", "Test Incident 3", "service=pig208")]
    [InlineData("opsgenie", "webhooks/opsgenie/zulip-create.json", "another alert", "service=Server")]
    [InlineData("grafana", "webhooks/grafana/zulip-grafana-v11-firing-values-valueString.json", "Memory (copy)", "service=device")]
    public async Task AnAlertFromEachSourceReachesSlackWithTraceLinksForItsService(string source, string fixture, string name, string serviceQuery)
    {
        using var client = app.CreateClient();

        var response = await client.SendAsync(AuthorizedRequest(source, SharedFixtures.ReadBytes(fixture)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, Wait, "a Slack message");
        var text = StandIns.AllText(Assert.Single(StandIns.SlackMessages(slack)));
        Assert.Contains(name, text);
        Assert.Contains("http://jaeger-ui.test/search?" + serviceQuery, text);
    }

    [Fact]
    public async Task TheSamePagerDutyDeliveryThreeTimesIsOneSlackMessage()
    {
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes("webhooks/pagerduty/v3-zulip-incident.triggered.json");

        for (var i = 0; i < 3; i++)
        {
            using var request = AuthorizedRequest("pagerduty", body);
            request.Headers.Add("X-Webhook-Id", "8a1d6d38-retried");
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(request)).StatusCode);
        }
        // A different event afterwards proves the worker had time to deliver anything the retries had stored.
        using var grafana = AuthorizedRequest("grafana", SharedFixtures.ReadBytes("webhooks/grafana/zulip-grafana-v11-firing-values-valueString.json"));
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(grafana)).StatusCode);
        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count >= 2, Wait, "two Slack messages");

        Assert.Equal(1, StandIns.SlackMessages(slack).Count(m => StandIns.AllText(m).Contains("Test Incident 3", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnAcknowledgedIncidentReachesSlackAsAcknowledged()
    {
        using var client = app.CreateClient();

        var response = await client.SendAsync(AuthorizedRequest("pagerduty", SharedFixtures.ReadBytes("webhooks/pagerduty/v3-zulip-incident.acknowledged.json")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, Wait, "a Slack message");
        Assert.Contains("👀", StandIns.AllText(Assert.Single(StandIns.SlackMessages(slack))));
    }

    [Fact]
    public async Task AnIncidentsAcknowledgeAndResolveUpdateItsOneMessageAndReplyInItsThread()
    {
        using var client = app.CreateClient();
        var triggered = SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json");

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(AuthorizedRequest("pagerduty", Encoding.UTF8.GetBytes(triggered)))).StatusCode);
        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count == 1, Wait, "the incident's message");
        // The same incident (PFQZPSY) as PagerDuty reports its later events: another event id, type and status.
        foreach (var (type, status) in new[] { ("incident.acknowledged", "acknowledged"), ("incident.resolved", "resolved") })
        {
            var later = JsonNode.Parse(triggered)!;
            later["event"]!["id"] = "01LATER" + status.ToUpperInvariant();
            later["event"]!["event_type"] = type;
            later["event"]!["data"]!["status"] = status;
            var body = Encoding.UTF8.GetBytes(later.ToJsonString());
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(AuthorizedRequest("pagerduty", body))).StatusCode);
        }
        await Eventually.UntilAsync(() => StandIns.SlackCalls(slack, "chat.update").Count == 2 && StandIns.SlackMessages(slack).Count == 3,
            Wait, "two updates and two thread replies");

        var posts = StandIns.SlackMessages(slack);
        var ts = slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))
            .Select(e => JsonNode.Parse(e.ResponseMessage.BodyData!.BodyAsString!)!["ts"]!.GetValue<string>()).First();
        var updates = StandIns.SlackCalls(slack, "chat.update");
        Assert.All(updates, u => Assert.Equal(ts, u.GetProperty("ts").GetString()));
        Assert.StartsWith("👀 ACKNOWLEDGED", updates[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("✅ RESOLVED", updates[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("#2EB67D", updates[1].GetProperty("attachments")[0].GetProperty("color").GetString());
        Assert.All(posts.Skip(1), p => Assert.Equal(ts, p.GetProperty("thread_ts").GetString()));
        Assert.StartsWith("👀 Acknowledged by PIG 208", posts[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("✅ Resolved at", posts[2].GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
