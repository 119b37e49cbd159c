using System.Net;
using System.Net.Http.Headers;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;

namespace AlertLinker.Tests.Pipeline;

/// <summary>The whole pipeline in-process: a real Alertmanager capture in, a Slack message out, backends stood in by WireMock.</summary>
public sealed class AlertmanagerToSlackTests : IAsyncLifetime
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly WireMockServer slack = StandIns.Slack();
    private readonly WireMockServer jaeger = StandIns.Jaeger();
    private readonly WireMockServer tempo = StandIns.Tempo();
    private readonly WireMockServer prometheus = StandIns.Prometheus();
    private AlertLinkerApp app = null!;

    public Task InitializeAsync()
    {
        app = new AlertLinkerApp(TestSettings.Of(TestSettings.SlackBot(slack), TestSettings.Jaeger(jaeger.Url), new Dictionary<string, string?>
        {
            ["AlertLinker:Backends:tempo:Type"] = "Tempo",
            ["AlertLinker:Backends:tempo:ApiUrl"] = tempo.Url,
            ["AlertLinker:Backends:tempo:UiUrl"] = "http://grafana.test/",
            ["AlertLinker:Backends:tempo:DatasourceUid"] = "tempo-uid",
            ["AlertLinker:Backends:exemplars:Type"] = "PrometheusExemplars",
            ["AlertLinker:Backends:exemplars:ApiUrl"] = prometheus.Url,
            ["AlertLinker:Backends:exemplars:TraceBackend"] = "jaeger",
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        foreach (var server in new[] { slack, jaeger, tempo, prometheus })
            server.Stop();
    }

    private async Task<HttpResponseMessage> PostCaptureAsync()
    {
        using var client = app.CreateAuthorizedClient();
        var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync("/webhooks/alertmanager", content);
    }

    [Fact]
    public async Task AnAlertReachesSlackWithLinksForItsServiceAndWindowAndTheExemplarTraces()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostCaptureAsync()).StatusCode);

        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, Wait, "a Slack message");
        var message = Assert.Single(StandIns.SlackMessages(slack));
        var text = StandIns.AllText(message);

        Assert.Equal("C1H9RESGL", message.GetProperty("channel").GetString());
        Assert.Contains("HighRequestLatency", text);
        // The alert's job label is "api"; it started 18:16:23Z: the window starts 15 min earlier (µs in Jaeger links).
        Assert.Contains("http://jaeger-ui.test/search?service=api", text);
        Assert.Contains("start=" + new DateTimeOffset(2026, 11, 23, 18, 1, 23, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000, text);
        Assert.Contains("http://grafana.test/explore?", text);
        // Exemplars: Jaeger's search, Tempo's search, and Prometheus exemplars linked into Jaeger's trace view.
        Assert.Contains("00000000000000000000000000000001", text);
        Assert.Contains("5b8efff798038103d269b633813fc700", text);
        Assert.Contains("http://jaeger-ui.test/trace/hCtjygkIHwAN9vs4", text);
        // The message and its detail reply in the thread, both with the bot token.
        Assert.All(slack.LogEntries, e => Assert.Contains("Bearer xoxb-test-token", e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.DoesNotContain(app.Logs, line => line.Contains("xoxb-test-token") || line.Contains(AlertLinkerApp.BearerToken));
    }

    [Fact]
    public async Task WithoutSlackConfiguredTheRenderedMessageGoesToTheLog()
    {
        await using var dryRun = new AlertLinkerApp(TestSettings.Jaeger(jaeger.Url));
        using var client = dryRun.CreateAuthorizedClient();
        var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);

        var logged = await Eventually.UntilAsync(
            () => dryRun.Logs.FirstOrDefault(l => l.Contains("HighRequestLatency") && l.Contains("jaeger-ui.test/search?service=api")),
            Wait, "the dry-run message in the log");
        Assert.Contains("00000000000000000000000000000001", logged);
        Assert.Empty(slack.LogEntries);
    }

    [Fact]
    public async Task AMatchingRunbookIsRenderedIntoTheMessageWithConcreteQueriesForTheAlertsServiceAndWindow()
    {
        const string payload = """
            {"receiver":"slack","status":"firing","version":"4","groupKey":"{}:{alertname=\"PostgresConnectionPoolSaturated\"}",
             "truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am.test",
             "alerts":[{"status":"firing","labels":{"alertname":"PostgresConnectionPoolSaturated","service":"inventory","severity":"critical"},
               "annotations":{"summary":"pool at 100%"},"startsAt":"2026-11-23T14:02:00Z","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"","fingerprint":"0123456789abcdef"}]}
            """;
        using var client = app.CreateAuthorizedClient();
        var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);

        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, Wait, "a Slack message");
        var text = StandIns.AllText(Assert.Single(StandIns.SlackMessages(slack)));
        Assert.Contains("Database saturation", text);
        // The runbook's "db.system = postgresql" search, as a Jaeger search link (tags JSON) and as TraceQL, for this service and window.
        var start = new DateTimeOffset(2026, 11, 23, 13, 47, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        Assert.Contains($"http://jaeger-ui.test/search?service=inventory&start={start}", text);
        Assert.Contains(Uri.EscapeDataString("{\"db.system\":\"postgresql\"}"), text);
        Assert.Contains("resource.service.name = \"inventory\"", text);
        Assert.Contains(".db.system = \"postgresql\"", text);

        // The message carries the runbook's first step; its one thread reply has every step.
        await Eventually.UntilAsync(() => StandIns.SlackDetailCalls(slack, "chat.postMessage").Count > 0, Wait, "the detail reply");
        var detail = Assert.Single(StandIns.SlackDetailCalls(slack, "chat.postMessage"));
        var ts = slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))
            .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.ResponseMessage.BodyData!.BodyAsString!)!["ts"]!.GetValue<string>()).First();
        Assert.Equal(ts, detail.GetProperty("thread_ts").GetString());
        var steps = StandIns.AllText(detail);
        Assert.Contains("Database saturation", steps);
        Assert.Contains("4. Check the pool.", steps);
        Assert.DoesNotContain("4. Check the pool.", text);
    }

    [Fact]
    public async Task AnAlertmanagerRetryOfTheSameNotificationIsNotDeliveredTwice()
    {
        await PostCaptureAsync();
        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, Wait, "the first Slack message");

        var retry = await PostCaptureAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Single(StandIns.SlackMessages(slack));
    }
}
