using System.Text.Json.Nodes;
using AlertLinker.Slack;
using AlertLinker.Tests.Graphs;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Server;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>The graph through the sink: into the thread on the first post and on resolve, the link for webhooks, notes on failure.</summary>
public sealed class SlackGraphsTests : IDisposable
{
    private const string Token = "xoxb-1111-2222-SeCrEtToKeN";
    private const string Channel = "C1H9RESGL";
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 42];

    private readonly WireMockServer slack = StandIns.Slack();
    private ServiceProvider? provider;

    public SlackGraphsTests() => SlackUploadStandIn.Serve(slack, apiPrefix: "");

    public void Dispose()
    {
        provider?.Dispose();
        slack.Stop();
        slack.Dispose();
    }

    private static AlertGraph Drawn(AlertWindow window) => new("histogram_quantile(0.99, …) > 0.5", window,
        new Uri("http://prometheus:9090/graph?g0.expr=histogram_quantile&g0.tab=0&g0.range_input=1200s"))
    {
        Png = Png,
        Title = "HighLatency: histogram_quantile(0.99, …)",
        AltText = "Line graph of HighLatency …",
        FileName = "HighLatency-firing.png",
    };

    private static EnrichedNotification WithGraph(AlertStatus status = AlertStatus.Firing, Func<AlertWindow, AlertGraph>? graph = null)
    {
        var enriched = Enriched(Alert(status: status));
        return Notification(enriched with { Graph = (graph ?? Drawn)(enriched.Resolved.Window) });
    }

    [Fact]
    public async Task TheFirstPostUploadsThePictureIntoTheMessagesThreadAfterTheMessage()
    {
        var result = await BotSink().DeliverAsync(WithGraph(), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var steps = SlackUploadStandIn.Steps(slack);
        Assert.Equal("chat.postMessage", steps[0]);
        Assert.Equal(["files.getUploadURLExternal", SlackUploadStandIn.UploadPath, "files.completeUploadExternal"], steps.Where(s => !s.StartsWith("chat.", StringComparison.Ordinal)));
        var ts = (string?)JsonNode.Parse(SlackUploadStandIn.Calls(slack)[0].ResponseMessage.BodyData!.BodyAsString!)!["ts"];
        var complete = JsonNode.Parse(SlackUploadStandIn.Calls(slack).Single(c => c.RequestMessage.Path.EndsWith("files.completeUploadExternal", StringComparison.Ordinal)).RequestMessage.Body!)!;
        Assert.Equal(ts, (string?)complete["thread_ts"]);
        Assert.Equal(Channel, (string?)complete["channel_id"]);
        Assert.Equal("📈 *HighLatency* over 14:02–14:22 UTC, 20 min", (string?)complete["initial_comment"]);
    }

    [Fact]
    public async Task AMessageWithAPictureIsTheSameMessageAsWithoutOne()
    {
        await BotSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);
        var without = Posts().Single();
        slack.ResetLogEntries();

        await BotSink().DeliverAsync(WithGraph(), CancellationToken.None);

        // Each post names its own delivery in its metadata (issue 12); everything else is the same to the byte.
        Assert.Equal(WithoutDeliveryId(without), WithoutDeliveryId(Posts().First()));
    }

    private static string WithoutDeliveryId(string post)
    {
        var node = JsonNode.Parse(post)!;
        var payload = node["metadata"]!["event_payload"]!.AsObject();
        Assert.True(payload.Remove("delivery_id"), post);
        return node.ToJsonString();
    }

    [Fact]
    public async Task ARepeatOnlyUpdatesAndTheResolveUploadsThePictureOfTheRecovery()
    {
        var sink = BotSink();
        await sink.DeliverAsync(WithGraph(), CancellationToken.None);
        await sink.DeliverAsync(WithGraph(), CancellationToken.None);
        Assert.Single(Completions());

        var resolved = await sink.DeliverAsync(WithGraph(AlertStatus.Resolved, w => Drawn(w) with { FileName = "HighLatency-resolved.png" }), CancellationToken.None);

        Assert.True(resolved.Delivered, resolved.Error);
        var completions = Completions();
        Assert.Equal(2, completions.Count);
        Assert.Equal((string?)completions[0]["thread_ts"], (string?)completions[1]["thread_ts"]);
        Assert.StartsWith("📈 *HighLatency* after it resolved", (string?)completions[1]["initial_comment"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadSlackRefusesIsOneNoteInTheThreadAndTheMessageIsDelivered()
    {
        SlackUploadStandIn.Refuse(slack, "files.getUploadURLExternal", "missing_scope", apiPrefix: "");

        var result = await BotSink().DeliverAsync(WithGraph(), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var reply = JsonNode.Parse(Posts().Last())!;
        Assert.NotNull((string?)reply["thread_ts"]);
        Assert.Equal("📈 Graph not attached: files.getUploadURLExternal: missing_scope (the app needs files:write)", (string?)reply["text"]);
    }

    [Fact]
    public async Task AGraphThatCouldNotBeDrawnIsOneContextLineAtTheEndOfTheMessage()
    {
        var failed = WithGraph(graph: w => new AlertGraph("x > 1", w, null) { Note = "no graph: Prometheus unreachable (connection refused)" });

        var result = await BotSink().DeliverAsync(failed, CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var blocks = JsonNode.Parse(Posts().Single())!["attachments"]![0]!["blocks"]!.AsArray();
        var last = blocks[^1]!;
        Assert.Equal("context", (string?)last["type"]);
        Assert.Equal("📈 no graph: Prometheus unreachable (connection refused)", (string?)last["elements"]![0]!["text"]);
        Assert.DoesNotContain(SlackUploadStandIn.Steps(slack), s => s.StartsWith("files.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnIncomingWebhookCarriesTheGraphsLinkAndUploadsNothing()
    {
        slack.Given(WireMock.RequestBuilders.Request.Create().WithPath("/services/T000/B000/SeCrEt").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("ok"));
        var result = await Sink(("WebhookUrl", slack.Url + "/services/T000/B000/SeCrEt")).DeliverAsync(WithGraph(), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var body = JsonNode.Parse(Assert.Single(slack.LogEntries).RequestMessage.Body!)!;
        var last = body["blocks"]!.AsArray()[^1]!;
        Assert.Equal("📈 <http://prometheus:9090/graph?g0.expr=histogram_quantile&amp;g0.tab=0&amp;g0.range_input=1200s|Graph of the alert's expression over its window>",
            (string?)last["elements"]![0]!["text"]);
    }

    [Fact]
    public async Task DryRunLogsTheUploadItWouldMake()
    {
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        var sink = Sink(logs);

        await sink.DeliverAsync(WithGraph(), CancellationToken.None);

        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 7090 && r.Message.Contains("HighLatency-firing.png (9 bytes)", StringComparison.Ordinal));
        Assert.Empty(slack.LogEntries);
    }

    private IReadOnlyList<string> Posts() =>
        SlackUploadStandIn.Calls(slack).Where(c => c.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)).Select(c => c.RequestMessage.Body!).ToList();

    private IReadOnlyList<JsonNode> Completions() =>
        SlackUploadStandIn.Calls(slack).Where(c => c.RequestMessage.Path.EndsWith("files.completeUploadExternal", StringComparison.Ordinal))
            .Select(c => JsonNode.Parse(c.RequestMessage.Body!)!).ToList();

    private IAlertSink BotSink() => Sink(("BotToken", Token), ("Channel", Channel), ("ApiUrl", slack.Url + "/"), ("PaceInterval", "00:00:00"));

    private IAlertSink Sink(params (string Key, string Value)[] settings) => Sink(null, settings);

    private IAlertSink Sink(Microsoft.Extensions.Logging.Testing.FakeLogCollector? logs, params (string Key, string Value)[] settings)
    {
        provider?.Dispose();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(SlackOptions.SectionName + ":" + s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
                logging.AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs));
        });
        services.AddSlack();
        provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IAlertSink>();
    }
}
