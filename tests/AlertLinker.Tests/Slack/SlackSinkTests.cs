using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

public sealed class SlackSinkTests : IDisposable
{
    private const string Token = "xoxb-1111-2222-SeCrEtToKeN";
    private const string WebhookPath = "/services/T000/B000/SeCrEtWeBhOoKpAtH";
    private const string Channel = "C1H9RESGL";

    private readonly WireMockServer slack = WireMockServer.Start();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
    private readonly SlackTestServices services;

    public SlackSinkTests() => services = new(time);

    public void Dispose()
    {
        services.Dispose();
        slack.Stop();
        slack.Dispose();
    }

    [Fact]
    public async Task PostMessageOkIsDelivered()
    {
        ServeApi(HttpStatusCode.OK, SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-ok-response.json"));

        var result = await BotSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, result);
        var request = Assert.Single(slack.LogEntries).RequestMessage;
        Assert.Equal("/api/chat.postMessage", request.Path);
        Assert.Equal("Bearer " + Token, request.Headers!["Authorization"].Single());
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal(Channel, (string?)body["channel"]);
        Assert.Equal("🔥 FIRING: HighLatency — checkout — p99 latency above 500ms", (string?)body["text"]);
        Assert.False((bool?)body["unfurl_links"]);
        // The header is the message's own block (the text is then only the notification fallback); the rest sits in
        // one attachment whose colour bar shows the state (firing: red).
        Assert.Equal("header", (string?)body["blocks"]![0]!["type"]);
        Assert.Single(body["blocks"]!.AsArray());
        Assert.Equal(SlackLifecycle.FiringColour, (string?)body["attachments"]![0]!["color"]);
        Assert.Equal("section", (string?)body["attachments"]![0]!["blocks"]![0]!["type"]);
        Assert.Null(body["parse"]);
        Assert.Contains(Logs(), r => r.Id.Id == 7011 && r.Message.Contains("1503435956.000247", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OkFalseWithAPermanentErrorIsNotRetried()
    {
        ServeApi(HttpStatusCode.OK, SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-error-response.json"));

        var result = await BotSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.False(result.Retryable);
        Assert.Equal("Slack API error too_many_attachments", result.Error);
        Assert.Contains(Logs(), r => r.Level == LogLevel.Error && r.Message.Contains("too_many_attachments", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimitIsRetryableAfterTheDelaySlackAskedFor()
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "30"));

        var result = await BotSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.True(result.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task ServerErrorsAreRetryable(int status)
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody("<html>upstream error</html>"));

        var result = await BotSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal($"Slack API answered HTTP {status}", result.Error);
    }

    [Fact]
    public async Task TimeoutIsRetryable()
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));

        var result = await BotSink(("Timeout", "00:00:01")).DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal("Slack API timed out", result.Error);
    }

    [Fact]
    public async Task UnreachableSlackIsRetryable()
    {
        // A port bound but not listening: connections are refused, and no other test can take the port meanwhile.
        using var reserved = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        reserved.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)reserved.LocalEndPoint!).Port}";

        var result = await Sink(("BotToken", Token), ("Channel", Channel), ("ApiUrl", url + "/api/"))
            .DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.StartsWith("Slack API unreachable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellationIsNotADeliveryFailure()
    {
        ServeApi(HttpStatusCode.OK, SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-ok-response.json"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => BotSink().DeliverAsync(Notification(Enriched(Alert())), cancelled.Token));
    }

    [Fact]
    public async Task WebhookPostsTheMessageToItsUrl()
    {
        slack.Given(Request.Create().WithPath(WebhookPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

        var result = await WebhookSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, result);
        var request = Assert.Single(slack.LogEntries).RequestMessage;
        Assert.False(request.Headers!.ContainsKey("Authorization"));
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Null(body["channel"]);
        Assert.Equal("section", (string?)body["blocks"]![1]!["type"]);
    }

    public static TheoryData<int, string> WebhookErrors()
    {
        var data = new TheoryData<int, string>();
        using var table = JsonDocument.Parse(SharedFixtures.Read("webhooks/slack/changelog-incoming-webhook-error-codes.json"));
        foreach (var error in table.RootElement.GetProperty("errors").EnumerateArray())
            data.Add(error.GetProperty("http_status").GetInt32(), error.GetProperty("body").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(WebhookErrors))]
    public async Task WebhookErrorsCarrySlacksWordAndOnlyServerErrorsAreRetried(int status, string body)
    {
        slack.Given(Request.Create().WithPath(WebhookPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

        var result = await WebhookSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.Equal($"Slack webhook answered HTTP {status} {body}", result.Error);
        Assert.Equal(status >= 500, result.Retryable);
    }

    [Fact]
    public async Task WebhookChannelNotFoundIsPermanent()
    {
        slack.Given(Request.Create().WithPath(WebhookPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("channel_not_found"));

        var result = await WebhookSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.Equal(DeliveryResult.Permanent("Slack webhook answered HTTP 404 channel_not_found"), result);
    }

    [Fact]
    public async Task WebhookRateLimitIsRetryableAfterTheDelaySlackAskedFor()
    {
        slack.Given(Request.Create().WithPath(WebhookPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"));

        var result = await WebhookSink().DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task DryRunLogsTheRenderedMessageAndSendsNothing()
    {
        var sink = Sink(("ApiUrl", slack.Url + "/api/"));

        var result = await sink.DeliverAsync(Notification(Enriched(Alert())), CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, result);
        Assert.Empty(slack.LogEntries);
        var record = Assert.Single(Logs(), r => r.Id.Id == 7010);
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains("🔥 FIRING: HighLatency — checkout", record.Message, StringComparison.Ordinal);
        Assert.Contains("4bf92f3577b34da6a3ce929d0e0e4736", record.Message, StringComparison.Ordinal);
        // Readable: links as "label <url>", no JSON; the JSON that would be sent is at Debug.
        Assert.Matches(@"\S <https?://[^>\s]+>", record.Message);
        Assert.DoesNotContain("\"type\":\"header\"", record.Message, StringComparison.Ordinal);
        var json = Assert.Single(Logs(), r => r.Id.Id == 7009);
        Assert.Equal(LogLevel.Debug, json.Level);
        Assert.Contains("\"type\":\"header\"", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUpLogNamesTheModeAndNeverTheSecrets()
    {
        await StartUpLog(("BotToken", Token), ("Channel", Channel), ("ApiUrl", slack.Url + "/api/"));
        await StartUpLog(("WebhookUrl", slack.Url + WebhookPath), ("Channel", "#alerts"));
        await StartUpLog();

        var messages = Logs().Select(r => r.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("Slack delivery: bot token mode, posting to channel C1H9RESGL", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Slack delivery: incoming webhook mode", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Slack delivery: dry run", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Channel is set but has no effect", StringComparison.Ordinal));
        AssertNoSecrets(messages);
    }

    [Fact]
    public async Task SecretsNeverReachLogsOrErrors()
    {
        var errors = new List<string?>();
        var notification = Notification(Enriched(Alert()));
        ServeApi(HttpStatusCode.OK, SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-error-response.json"));
        errors.Add((await BotSink().DeliverAsync(notification, CancellationToken.None)).Error);
        slack.Given(Request.Create().WithPath(WebhookPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("channel_not_found"));
        errors.Add((await WebhookSink().DeliverAsync(notification, CancellationToken.None)).Error);
        slack.Reset();
        slack.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));
        errors.Add((await WebhookSink(("Timeout", "00:00:01")).DeliverAsync(notification, CancellationToken.None)).Error);

        Assert.All(errors, Assert.NotNull);
        AssertNoSecrets(errors.Select(e => e!));
        AssertNoSecrets(Logs().SelectMany(r => new[] { r.Message, r.Exception?.ToString() ?? "" }));
    }

    private async Task StartUpLog(params (string Key, string Value)[] settings)
    {
        foreach (var hosted in services.Get<IEnumerable<IHostedService>>(settings))
            await hosted.StartAsync(CancellationToken.None);
    }

    private void ServeApi(HttpStatusCode status, string body) =>
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body));

    private IAlertSink BotSink(params (string Key, string Value)[] extra) =>
        Sink([("BotToken", Token), ("Channel", Channel), ("ApiUrl", slack.Url + "/api/"), .. extra]);

    private IAlertSink WebhookSink(params (string Key, string Value)[] extra) =>
        Sink([("WebhookUrl", slack.Url + WebhookPath), .. extra]);

    // All providers of one test write to the same collector, so a test can check every log line it caused.
    private IAlertSink Sink(params (string Key, string Value)[] settings) => services.Get<IAlertSink>(settings);

    private IReadOnlyList<FakeLogRecord> Logs() => services.Logs.GetSnapshot();

    private static void AssertNoSecrets(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain("SeCrEtToKeN", text, StringComparison.Ordinal);
            Assert.DoesNotContain("SeCrEtWeBhOoKpAtH", text, StringComparison.Ordinal);
        }
    }
}
