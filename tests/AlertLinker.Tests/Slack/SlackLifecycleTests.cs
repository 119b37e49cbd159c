using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Storage;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>
/// A group's message over its life in bot mode, against the Slack stand-in (which hands out a ts per message and
/// answers chat.update like Slack): post, update in place, thread replies, replacement of a vanished message, storms.
/// </summary>
public sealed class SlackLifecycleTests : IDisposable
{
    private const string Channel = "C1H9RESGL";

    private readonly WireMockServer slack = StandIns.Slack("/api");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
    private readonly SlackTestServices services;

    public SlackLifecycleTests() => services = new(time);

    public void Dispose()
    {
        services.Dispose();
        slack.Stop();
        slack.Dispose();
    }

    [Fact]
    public async Task ResolveUpdatesTheOriginalMessageGreenAndRepliesInItsThread()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());
        var original = Assert.Single(Posts());
        var ts = TsOf(original);

        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero)));

        var update = Assert.Single(Updates());
        Assert.Equal(Channel, update.GetProperty("channel").GetString());
        Assert.Equal(ts, update.GetProperty("ts").GetString());
        Assert.Equal(SlackLifecycle.ResolvedColour, Attachment(update).GetProperty("color").GetString());
        Assert.StartsWith("✅ RESOLVED", update.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Resolved at 2026-11-23 14:42:05 UTC", StandIns.AllText(update), StringComparison.Ordinal);

        var reply = Posts()[1];
        Assert.Equal(ts, reply.GetProperty("thread_ts").GetString());
        Assert.Equal("✅ Resolved at 2026-11-23 14:42:05 UTC", reply.GetProperty("text").GetString());
        Assert.Equal(2, Posts().Count);
    }

    [Fact]
    public async Task AChannelConfiguredByNameIsUpdatedThroughTheIdSlackAnsweredWith()
    {
        var sink = Sink(null, ("BotToken", "xoxb-test"), ("Channel", "#alerts"), ("ApiUrl", slack.Url + "/api/"), ("PaceInterval", "00:00:00"));
        await DeliverOk(sink, Firing());
        var post = Assert.Single(Posts());
        Assert.Equal("#alerts", post.GetProperty("channel").GetString());

        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero)));

        var update = Assert.Single(Updates());
        Assert.Matches("^C[0-9A-Z]+$", update.GetProperty("channel").GetString());
        Assert.Equal(TsOf(post), update.GetProperty("ts").GetString());
        // Updated in place: no fresh message, only the thread reply.
        Assert.Equal(2, Posts().Count);
        Assert.Equal(TsOf(post), Posts()[1].GetProperty("thread_ts").GetString());
    }

    [Fact]
    public async Task AGroupThatResolvedAndFiresAgainGetsANewMessage()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());
        var first = TsOf(Assert.Single(Posts()));
        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero)));

        await DeliverOk(sink, Changed(Firing(), AlertStatus.Firing));

        // The resolved message stays green; the new page is a new top-level message, and later updates go to it.
        Assert.Single(Updates());
        var again = Posts()[^1];
        Assert.False(again.TryGetProperty("thread_ts", out _));
        var againTs = LastPostedTs();
        Assert.NotEqual(first, againTs);
        Assert.Equal(SlackLifecycle.FiringColour, Attachment(again).GetProperty("color").GetString());
        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero)));
        Assert.Equal(againTs, Updates()[^1].GetProperty("ts").GetString());
    }

    [Fact]
    public async Task APostTheStoreCouldNotRememberIsStillDeliveredAndNotPostedAgain()
    {
        var sink = BotSink(new ForgetfulStore());

        // Retrying would post the same message twice: the delivery counts, the failure is an error in the log.
        await DeliverOk(sink, Firing());

        Assert.Single(Posts());
        Assert.Contains(Logs(), r => r.Id.Id == 7022 && r.Level == LogLevel.Error);
    }

    /// <summary>A store whose disk is gone: finds nothing, cannot save.</summary>
    private sealed class ForgetfulStore : ISlackMessageStore
    {
        public Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken) =>
            Task.FromResult<SlackMessageRecord?>(null);

        public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken) =>
            Task.FromException(new IOException("disk I/O error"));

        public Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken) =>
            Task.FromResult(intent);

        public Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken) =>
            Task.FromException(new IOException("disk I/O error"));
    }

    [Fact]
    public async Task AcknowledgedShowsAmberInPlaceAndSaysWhoAcknowledged()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());
        var ts = TsOf(Assert.Single(Posts()));

        await DeliverOk(sink, Changed(Firing(), AlertStatus.Acknowledged, annotations: new() { ["pagerduty_agent"] = "Jane <!channel> Doe" }));

        var update = Assert.Single(Updates());
        Assert.Equal(ts, update.GetProperty("ts").GetString());
        Assert.Equal(SlackLifecycle.AcknowledgedColour, Attachment(update).GetProperty("color").GetString());
        Assert.StartsWith("👀 ACKNOWLEDGED", update.GetProperty("text").GetString(), StringComparison.Ordinal);
        var reply = Posts()[1];
        Assert.Equal(ts, reply.GetProperty("thread_ts").GetString());
        // The actor is alert text like any other: escaped, so it cannot ping the channel.
        Assert.Equal("👀 Acknowledged by Jane &lt;!channel&gt; Doe", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ARepeatWithNoChangeUpdatesTheMessageWithoutPostingOrReplying()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());

        await DeliverOk(sink, Firing());
        await DeliverOk(sink, Firing());

        Assert.Single(Posts());
        Assert.Equal(2, Updates().Count);
        Assert.All(Updates(), u => Assert.Equal(SlackLifecycle.FiringColour, Attachment(u).GetProperty("color").GetString()));
    }

    [Fact]
    public async Task ANoteIsAThreadReplyAndLeavesTheMessageAsItIs()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());
        var ts = TsOf(Assert.Single(Posts()));
        var note = Firing() with { Notification = Firing().Notification with { Kind = NotificationKind.Note, Note = "Rolled back <@U123> deploy 42" } };

        await DeliverOk(sink, note);

        Assert.Empty(Updates());
        var reply = Posts()[1];
        Assert.Equal(ts, reply.GetProperty("thread_ts").GetString());
        Assert.Equal("📝 Note:\nRolled back &lt;@U123&gt; deploy 42", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AMessageSlackNoLongerHasIsReplacedByANewPostWhoseTsIsStored()
    {
        var store = new InMemorySlackMessageStore();
        var sink = BotSink(store);
        // A ts the stand-in never handed out: chat.update answers message_not_found, as Slack does for a deleted message.
        await store.SaveSlackMessageAsync(new SlackMessageRecord("alertmanager", Firing().Notification.GroupKey, Channel,
            "1400000000.000001", null, AlertStatus.Firing, time.GetUtcNow()), CancellationToken.None);

        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved));

        Assert.Equal("1400000000.000001", Assert.Single(Updates()).GetProperty("ts").GetString());
        var fresh = Assert.Single(Posts());
        Assert.False(fresh.TryGetProperty("thread_ts", out _));
        Assert.Equal(SlackLifecycle.ResolvedColour, Attachment(fresh).GetProperty("color").GetString());
        var stored = await store.FindSlackMessageAsync("alertmanager", Firing().Notification.GroupKey, Channel, CancellationToken.None);
        Assert.Equal(TsOf(fresh), stored!.Ts);
        Assert.Contains(Logs(), r => r.Id.Id == 7016 && r.Message.Contains("message_not_found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARateLimitedUpdateIsRetryableAfterTheDelaySlackAskedFor()
    {
        var sink = BotSink();
        await DeliverOk(sink, Firing());
        slack.Given(Request.Create().WithPath("/api/chat.update").UsingPost()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "12"));

        var result = await sink.DeliverAsync(Changed(Firing(), AlertStatus.Resolved), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(12), result.RetryAfter);
        // Nothing posted in its place, and no reply yet: the retry updates and replies.
        Assert.Single(Posts());
    }

    [Fact]
    public async Task RoutesSendEachGroupToTheChannelOfItsFirstMatchingRule()
    {
        var sink = BotSink(null,
            ("Routes:0:Match", "team=\"payments\", severity=~\"critical|page\""), ("Routes:0:Channel", "CPAYPAGE"),
            ("Routes:1:Match", "team=\"payments\""), ("Routes:1:Channel", "CPAYMENTS"));

        await DeliverOk(sink, Labelled("g1", ("team", "payments"), ("severity", "page")));
        await DeliverOk(sink, Labelled("g2", ("team", "payments"), ("severity", "warning")));
        await DeliverOk(sink, Labelled("g3", ("team", "search"), ("severity", "page")));

        Assert.Equal(["CPAYPAGE", "CPAYMENTS", Channel], Posts().Select(p => p.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task AStormIsOneDigestWithItsAlertsInItsThreadAndTheirUpdatesStillWork()
    {
        // Every digest edit at once (no coalescing), so that each group is delivered as it comes.
        var sink = BotSink(null, ("StormThreshold", "3"), ("StormWindow", "00:00:30"), ("StormDigestInterval", "00:00:00"));
        for (var i = 1; i <= 8; i++)
        {
            await DeliverOk(sink, Labelled($"g{i}", ("alertname", $"Disk{i}<!here>")));
            time.Advance(TimeSpan.FromSeconds(2));
        }

        var posts = Posts();
        var topLevel = posts.Where(p => !p.TryGetProperty("thread_ts", out _)).ToList();
        // Three groups before the storm keep their own messages; then one digest instead of five more.
        Assert.Equal(4, topLevel.Count);
        var digest = topLevel[3];
        var digestTs = TsOf(digest);
        var inThread = posts.Where(p => p.TryGetProperty("thread_ts", out var t) && t.GetString() == digestTs).ToList();
        // The first three of the storm get their full message; the last two are one line each of a batched reply.
        Assert.Equal(5, inThread.Count);
        Assert.Equal(3, inThread.Count(p => p.TryGetProperty("attachments", out _)));
        Assert.StartsWith("🌩 Alert storm: 4 alerts in 4 groups", digest.GetProperty("text").GetString(), StringComparison.Ordinal);
        var lastDigest = Updates().Last(u => u.GetProperty("ts").GetString() == digestTs);
        var digestText = StandIns.AllText(lastDigest);
        Assert.Contains("🌩 Alert storm: 8 alerts in 8 groups", digestText, StringComparison.Ordinal);
        Assert.Contains("3 groups (3 alerts) above with messages of their own", digestText, StringComparison.Ordinal);
        var disk8 = StandIns.Strings(lastDigest).Where(s => s.Contains("Disk8", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(disk8);
        Assert.All(disk8, s => Assert.Contains("Disk8&lt;!here&gt;", s, StringComparison.Ordinal));
        Assert.DoesNotContain(StandIns.Strings(lastDigest), s => s.Contains("<!here>", StringComparison.Ordinal));

        // Resolving an alert of the storm updates its reply and answers in the digest's thread.
        var memberTs = TsOf(inThread[0]);
        var updatesBefore = Updates().Count;
        await DeliverOk(sink, Changed(Labelled("g4", ("alertname", "Disk4<!here>")), AlertStatus.Resolved));
        Assert.Equal(memberTs, Updates()[updatesBefore].GetProperty("ts").GetString());
        Assert.Equal(digestTs, Posts().Last().GetProperty("thread_ts").GetString());
        // The digest's thread holds many alerts: the reply says which one, escaped like any alert text.
        Assert.StartsWith("*Disk4&lt;!here&gt;*: ✅ Resolved at", Posts().Last().GetProperty("text").GetString(), StringComparison.Ordinal);

        // A group that was one line gets its full message in the thread when it resolves; the digest stays the digest.
        await DeliverOk(sink, Changed(Labelled("g8", ("alertname", "Disk8<!here>")), AlertStatus.Resolved));
        Assert.Equal(digestTs, Posts().Last().GetProperty("thread_ts").GetString());
        Assert.StartsWith("✅ RESOLVED", Posts().Last().GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStormEndsWhenAWholeWindowPassesWithoutANewGroup()
    {
        var sink = BotSink(null, ("StormThreshold", "1"), ("StormWindow", "00:00:10"));
        await DeliverOk(sink, Labelled("g1", ("alertname", "A")));
        await DeliverOk(sink, Labelled("g2", ("alertname", "B")));
        time.Advance(TimeSpan.FromSeconds(11));

        await DeliverOk(sink, Labelled("g3", ("alertname", "C")));

        var last = Posts().Last();
        Assert.False(last.TryGetProperty("thread_ts", out _));
        Assert.Contains("C", last.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSinkWaitsForTheChannelsPaceOnTheClockWhileOtherChannelsGoAhead()
    {
        var sink = Sink(null, ("BotToken", "xoxb-test"), ("Channel", Channel), ("ApiUrl", slack.Url + "/api/"),
            ("PaceInterval", "00:00:05"), ("PaceBurst", "1"), ("Routes:0:Match", "team=\"search\""), ("Routes:0:Channel", "CSEARCH"));
        await DeliverOk(sink, Labelled("g1", ("team", "payments")));

        var second = sink.DeliverAsync(Labelled("g2", ("team", "payments")), CancellationToken.None);
        await DeliverOk(sink, Labelled("g3", ("team", "search")));

        Assert.False(second.IsCompleted);
        Assert.Equal([Channel, "CSEARCH"], Posts().Select(p => p.GetProperty("channel").GetString()));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(DeliveryResult.Ok, await second);
        Assert.Equal([Channel, "CSEARCH", Channel], Posts().Select(p => p.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task WebhookModePostsANewMessageOnResolve()
    {
        const string path = "/services/T000/B000/XXXX";
        slack.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var sink = Sink(null, ("WebhookUrl", slack.Url + path), ("PaceInterval", "00:00:00"));

        await DeliverOk(sink, Firing());
        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved));

        var bodies = slack.LogEntries.Where(e => e.RequestMessage.Path == path)
            .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.StartsWith("🔥 FIRING", bodies[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("✅ RESOLVED", bodies[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Empty(Updates());
    }

    [Fact]
    public async Task DryRunLogsTheUpdateAndTheThreadReplyItWouldSend()
    {
        var sink = Sink(null, ("ApiUrl", slack.Url + "/api/"));

        await DeliverOk(sink, Firing());
        await DeliverOk(sink, Changed(Firing(), AlertStatus.Resolved));

        Assert.Empty(slack.LogEntries);
        var dryRun = Logs().Where(r => r.Id.Id == 7010).Select(r => r.Message).ToList();
        Assert.Equal(3, dryRun.Count);
        Assert.StartsWith("Slack dry run: would post dry-run.1 in dry-run", dryRun[0], StringComparison.Ordinal);
        Assert.StartsWith("Slack dry run: would update dry-run.1 in dry-run", dryRun[1], StringComparison.Ordinal);
        Assert.StartsWith("Slack dry run: would reply dry-run.2 in thread dry-run.1", dryRun[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDetailReplyIsPostedOnceWithTheMessageAndKeptCurrentByUpdatingIt()
    {
        var store = new InMemorySlackMessageStore();
        var sink = BotSink(store);
        await DeliverOk(sink, ThreeBackends());
        var message = Assert.Single(Posts());
        var ts = TsOf(message);
        var detail = Assert.Single(StandIns.SlackDetailCalls(slack, "chat.postMessage"));
        Assert.Equal(ts, detail.GetProperty("thread_ts").GetString());
        Assert.Contains("🔎 Trace", StandIns.AllText(detail), StringComparison.Ordinal);
        var detailTs = (await store.FindSlackMessageAsync("alertmanager", ThreeBackends().Notification.GroupKey, Channel, CancellationToken.None))?.DetailTs;
        Assert.Equal(LastPostedTs(), detailTs);

        await DeliverOk(sink, Changed(ThreeBackends(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero)));
        await DeliverOk(sink, Changed(ThreeBackends(), AlertStatus.Resolved, endsAt: new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero)));

        // One detail reply ever; the later notifications edit it in place, beside the message's own updates.
        Assert.Single(StandIns.SlackDetailCalls(slack, "chat.postMessage"));
        var edits = StandIns.SlackDetailCalls(slack, "chat.update");
        Assert.Equal(2, edits.Count);
        Assert.All(edits, e => Assert.Equal(detailTs, e.GetProperty("ts").GetString()));
        Assert.StartsWith("Details: ✅ RESOLVED", edits[^1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, Updates().Count);
    }

    [Fact]
    public async Task AMessageWithNothingBeyondItHasNoDetailReply()
    {
        var sink = BotSink();

        await DeliverOk(sink, Firing());

        Assert.Single(Posts());
        Assert.Empty(StandIns.SlackDetailCalls(slack, "chat.postMessage"));
    }

    private static EnrichedNotification Firing() => Notification(Enriched(Alert()));

    private static EnrichedNotification Labelled(string groupKey, params (string Name, string Value)[] labels)
    {
        var alert = Alert() with { Labels = labels.ToDictionary(l => l.Name, l => l.Value), Name = labels.FirstOrDefault(l => l.Name == "alertname").Value ?? "HighLatency" };
        var enriched = Notification([Enriched(alert)], 0, groupKey);
        return enriched;
    }

    /// <summary>The same group in another state, as the next notification of its source would carry it.</summary>
    private static EnrichedNotification Changed(EnrichedNotification enriched, AlertStatus status, DateTimeOffset? endsAt = null, Dictionary<string, string>? annotations = null)
    {
        var alerts = enriched.Alerts.Select(a =>
        {
            var alert = a.Alert with
            {
                Status = status,
                EndsAt = endsAt ?? a.Alert.EndsAt,
                Annotations = annotations is null ? a.Alert.Annotations : new Dictionary<string, string>(a.Alert.Annotations).Concat(annotations).ToDictionary(),
            };
            return a with { Resolved = a.Resolved with { Alert = alert } };
        }).ToList();
        return new EnrichedNotification(
            enriched.Notification with { Status = status, Alerts = alerts.Select(a => a.Alert).ToList(), ReceivedAt = Start.AddMinutes(20) },
            alerts);
    }

    private static async Task DeliverOk(IAlertSink sink, EnrichedNotification notification) =>
        Assert.Equal(DeliveryResult.Ok, await sink.DeliverAsync(notification, CancellationToken.None));

    /// <summary>chat.postMessage bodies, in order.</summary>
    private IReadOnlyList<JsonElement> Posts() => StandIns.SlackCalls(slack, "chat.postMessage");

    private IReadOnlyList<JsonElement> Updates() => StandIns.SlackCalls(slack, "chat.update");

    /// <summary>The ts Slack (the stand-in) answered for the post whose body is <paramref name="request"/>.</summary>
    private string TsOf(JsonElement request)
    {
        var raw = request.GetRawText();
        var entry = slack.LogEntries.Single(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)
            && JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetRawText() == raw);
        return JsonDocument.Parse(entry.ResponseMessage.BodyData!.BodyAsString!).RootElement.GetProperty("ts").GetString()!;
    }

    /// <summary>The ts Slack answered the latest chat.postMessage with.</summary>
    private string LastPostedTs() =>
        JsonDocument.Parse(slack.LogEntries.Last(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))
            .ResponseMessage.BodyData!.BodyAsString!).RootElement.GetProperty("ts").GetString()!;

    private static JsonElement Attachment(JsonElement request) => request.GetProperty("attachments")[0];

    private IAlertSink BotSink(ISlackMessageStore? store = null, params (string Key, string Value)[] extra) =>
        Sink(store, [("BotToken", "xoxb-test"), ("Channel", Channel), ("ApiUrl", slack.Url + "/api/"), ("PaceInterval", "00:00:00"), .. extra]);

    private IAlertSink Sink(ISlackMessageStore? store, params (string Key, string Value)[] settings) =>
        services.Get<IAlertSink>(settings, s =>
        {
            if (store is not null)
                s.AddSingleton(store);
        });

    private IReadOnlyList<FakeLogRecord> Logs() => services.Logs.GetSnapshot();
}
