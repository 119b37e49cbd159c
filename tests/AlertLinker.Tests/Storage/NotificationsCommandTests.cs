using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AlertLinker.Storage;
using AlertLinker.Tests.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AlertLinker.Tests.Storage;

/// <summary>`AlertLinker notifications list|retry` against a store file, and a running service delivering what it put back.</summary>
public sealed class NotificationsCommandTests : IDisposable
{
    private const string Worker = "worker-a";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await NotificationsCommand.RunAsync([.. args, "--AlertLinker:Storage:Path", _db.Path], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A file with one failed (invalid_auth), one pending and one delivered notification.</summary>
    private async Task<(long Failed, long Pending, long Delivered)> SeedAsync()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var failed = (await store.AcceptAsync(TestNotifications.Create(groupKey: "failed-group"), CancellationToken.None)).NotificationId!.Value;
        var delivered = (await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered-group"), CancellationToken.None)).NotificationId!.Value;
        await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None);
        await store.MarkFailedAsync(failed, Worker, "Slack API error invalid_auth", retryAt: null, CancellationToken.None);
        await store.MarkDeliveredAsync(delivered, Worker, CancellationToken.None);
        var pending = (await store.AcceptAsync(TestNotifications.Create(groupKey: "pending-group"), CancellationToken.None)).NotificationId!.Value;
        return (failed, pending, delivered);
    }

    [Fact]
    public async Task ListShowsWhatIsNotDeliveredWithTheLastError()
    {
        var (failed, pending, delivered) = await SeedAsync();

        var (code, output, _) = await RunAsync("list");

        Assert.Equal(NotificationsCommand.Done, code);
        Assert.Contains($"store {_db.Path}", output);
        Assert.Matches($@"(?m)^{failed}\s+failed\s+alertmanager\s+Firing\s+1\s+2026-11-23T12:00:00Z\s+failed-group\s+Slack API error invalid_auth$", output);
        Assert.Matches($@"(?m)^{pending}\s+pending\s+.*pending-group$", output);
        Assert.DoesNotContain("delivered-group", output);
        Assert.DoesNotMatch($@"(?m)^{delivered}\s", output);
        Assert.Contains("1 failed, 1 pending (0 in flight); oldest pending received 2026-11-23T12:00:00Z", output);
    }

    [Fact]
    public async Task ListFailedShowsOnlyTheFailedOnes()
    {
        var (failed, pending, _) = await SeedAsync();

        var (code, output, _) = await RunAsync("list", "--failed");

        Assert.Equal(NotificationsCommand.Done, code);
        Assert.Matches($@"(?m)^{failed}\s+failed\s", output);
        Assert.DoesNotMatch($@"(?m)^{pending}\s", output);
    }

    [Fact]
    public async Task RetryFailedPutsThemBackToPending()
    {
        var (failed, _, _) = await SeedAsync();

        var (code, output, _) = await RunAsync("retry", "--failed");

        Assert.Equal(NotificationsCommand.Done, code);
        Assert.Contains($"put back to pending: {failed}", output);
        using var store = _db.Open(TestNotifications.Clock());
        var record = await store.FindAsync(failed, CancellationToken.None);
        Assert.Equal(NotificationState.Pending, record!.State);
        Assert.Equal(0, record.Attempts);
    }

    [Fact]
    public async Task RetryOfIdsThatAreNotFailedSaysSoAndExitsWithOne()
    {
        var (failed, pending, _) = await SeedAsync();

        var (code, output, error) = await RunAsync("retry", failed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            pending.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(NotificationsCommand.NotDone, code);
        Assert.Contains($"put back to pending: {failed}", output);
        Assert.Contains($"not failed (or not found), nothing changed: {pending}", error);
    }

    [Theory]
    [InlineData]
    [InlineData("purge")]
    [InlineData("retry")]
    [InlineData("retry", "--failed", "12")]
    [InlineData("list", "12")]
    [InlineData("retry", "twelve")]
    public async Task WrongUsageIsExplainedWithExitCodeTwo(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await NotificationsCommand.RunAsync(args, output, error);

        Assert.Equal(NotificationsCommand.UsageError, code);
        Assert.Contains("usage: AlertLinker notifications list [--failed]", error.ToString());
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task AStorePathThatHasNoDatabaseIsReportedInsteadOfCreated()
    {
        var missing = Path.Combine(_db.Folder, "typo.db");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await NotificationsCommand.RunAsync(["list", $"--AlertLinker:Storage:Path={missing}"], output, error);

        Assert.Equal(NotificationsCommand.NotDone, code);
        Assert.Contains($"no database at {missing}", error.ToString());
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task InvalidConfigurationIsReportedWithTheKey()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await NotificationsCommand.RunAsync(["list", "--AlertLinker:Storage:Path", _db.Path, "--AlertLinker:Storage:DedupeRetention=01:00:00"], output, error);

        Assert.Equal(NotificationsCommand.UsageError, code);
        Assert.Contains("AlertLinker:Storage:DedupeRetention", error.ToString());
    }

    [Fact]
    public async Task ANotificationThatFailedWithInvalidAuthIsDeliveredByTheRunningServiceAfterRetryFailed()
    {
        var slackAccepts = false;
        using var slack = WireMock.Server.WireMockServer.Start();
        var refused = JsonNode.Parse(SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-error-response.json"))!;
        refused["error"] = "invalid_auth";
        var accepted = SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-ok-response.json");
        slack.Given(Request.Create().WithPath("/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(_ => Volatile.Read(ref slackAccepts) ? accepted : refused.ToJsonString()));
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Storage:Path"] = _db.Path,
            ["AlertLinker:Slack:ApiUrl"] = slack.Url + "/",
            ["AlertLinker:Slack:BotToken"] = "xoxb-test-token",
            ["AlertLinker:Slack:Channel"] = "C1H9RESGL",
            ["AlertLinker:Delivery:PollInterval"] = "00:00:00.200",
        });
        using var client = app.CreateAuthorizedClient();
        var content = new ByteArrayContent(SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);
        using var observer = _db.Open(TimeProvider.System);
        await Eventually.UntilAsync(() => observer.CountAsync(CancellationToken.None).Result.Failed == 1, TimeSpan.FromSeconds(30),
            "the notification to fail with invalid_auth");
        var failed = Assert.Single(await observer.ListAsync(new HashSet<NotificationState> { NotificationState.Failed }, 10, CancellationToken.None));
        Assert.Equal("Slack API error invalid_auth", failed.LastError);
        Assert.Single(StandIns.SlackMessages(slack));

        // The token is fixed in Slack; the operator puts the notification back while the service runs.
        Volatile.Write(ref slackAccepts, true);
        var (code, output, _) = await RunAsync("retry", "--failed");

        Assert.Equal(NotificationsCommand.Done, code);
        Assert.Contains($"put back to pending: {failed.Id}", output);
        await Eventually.UntilAsync(() => observer.FindAsync(failed.Id, CancellationToken.None).Result!.State == NotificationState.Delivered,
            TimeSpan.FromSeconds(30), "the running service to deliver it");
        Assert.Equal(2, StandIns.SlackMessages(slack).Count);
        Assert.Single(await observer.ListAsync(new HashSet<NotificationState> { NotificationState.Delivered }, 10, CancellationToken.None));
    }
}
