using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;

namespace AlertLinker.Tests.Graphs;

/// <summary>The whole service in-process with a Prometheus that is no help: the message goes out in time with one note line.</summary>
public sealed class GraphDeliveryTests : IAsyncLifetime
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private readonly WireMockServer slack = StandIns.Slack();

    /// <summary>Accepts connections and never answers: a Prometheus that hangs.</summary>
    private readonly TcpListener hanging = new(IPAddress.Loopback, 0);

    public Task InitializeAsync()
    {
        hanging.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        hanging.Stop();
        slack.Stop();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("hanging", "📈 no graph: Prometheus did not answer within the enrichment budget")]
    [InlineData("down", "📈 no graph: Prometheus unreachable (connection refused)")]
    public async Task APrometheusThatIsNoHelpCostsTheMessageOneNoteLineAndNoTime(string prometheus, string note)
    {
        var url = prometheus == "hanging"
            ? $"http://127.0.0.1:{((IPEndPoint)hanging.LocalEndpoint).Port}/"
            : $"http://127.0.0.1:{AlertLinker.Tests.EndToEnd.Harness.FreePort.Next()}/";
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Slack:ApiUrl"] = slack.Url + "/",
            ["AlertLinker:Slack:BotToken"] = "xoxb-test-token",
            ["AlertLinker:Slack:Channel"] = "C1H9RESGL",
            ["AlertLinker:Enrichment:Budget"] = Budget.ToString(),
            ["AlertLinker:Graphs:PrometheusUrl"] = url,
        });
        using var client = app.CreateAuthorizedClient();
        var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var clock = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);

        await Eventually.UntilAsync(() => StandIns.SlackMessages(slack).Count > 0, TimeSpan.FromSeconds(20), "a Slack message");
        // The budget and a little: the message never waits for Prometheus beyond it.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Budget + TimeSpan.FromSeconds(4));
        var message = StandIns.SlackMessages(slack)[0];
        var text = StandIns.AllText(message);
        Assert.Contains("HighRequestLatency", text, StringComparison.Ordinal);
        Assert.Single(StandIns.Strings(message), s => s.StartsWith("📈", StringComparison.Ordinal));
        Assert.Contains(note, StandIns.Strings(message));
        Assert.DoesNotContain(slack.LogEntries, e => e.RequestMessage.Path.Contains("files.", StringComparison.Ordinal));
    }
}
