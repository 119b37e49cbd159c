using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Storage;
using AlertLinker.Tests.Storage;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>
/// A group's top-level message is posted once even when the process dies between Slack taking the post and the store
/// recording its ts: the intent is recorded first, the post carries metadata naming it, and the next delivery finds
/// the post in the channel's history (the stand-in keeps messages and their metadata as Slack does).
/// </summary>
public sealed class SlackPostIntentsTests : IDisposable
{
    private const string Channel = "C1H9RESGL";

    private readonly WireMockServer slack = StandIns.Slack("/api");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
    private readonly FakeLogCollector collector = new();
    private readonly TempDatabase database = new();
    private readonly List<ServiceProvider> providers = [];
    private readonly List<IDisposable> stores = [];

    public void Dispose()
    {
        foreach (var provider in providers)
            provider.Dispose();
        foreach (var store in stores)
            store.Dispose();
        slack.Stop();
        slack.Dispose();
        database.Dispose();
    }

    [Fact]
    public async Task TheTopLevelPostCarriesMessageMetadataNamingItsDeliveryAndThreadRepliesDoNot()
    {
        var sink = Sink(Store());
        await DeliverOk(sink, Firing());
        await DeliverOk(sink, Resolved());

        var posts = StandIns.SlackCalls(slack, "chat.postMessage");
        var metadata = posts[0].GetProperty("metadata");
        Assert.Equal(SlackPostIntents.EventType, metadata.GetProperty("event_type").GetString());
        Assert.Matches("^[0-9a-f]{32}$", metadata.GetProperty("event_payload").GetProperty("delivery_id").GetString());
        Assert.Equal(Firing().Notification.GroupKey, metadata.GetProperty("event_payload").GetProperty("group_key").GetString());
        Assert.All(posts.Skip(1), reply => Assert.False(reply.TryGetProperty("metadata", out _)));
        Assert.All(StandIns.SlackDetailCalls(slack, "chat.postMessage"), reply => Assert.False(reply.TryGetProperty("metadata", out _)));
    }

    [Fact]
    public async Task APostSlackTookJustBeforeTheProcessDiedIsFoundByItsMetadataAndNotPostedAgain()
    {
        // The first process: Slack takes the post, the process dies before the store records its ts.
        var dying = new DiesBeforeRecording(Store());
        await Sink(dying).DeliverAsync(Firing(), CancellationToken.None);
        var posted = Assert.Single(TopLevelPosts());
        Assert.True(dying.Died);

        // The next process on the same database delivers the same notification again (it was never marked delivered).
        time.Advance(TimeSpan.FromSeconds(40));
        var restarted = Sink(Store());
        await DeliverOk(restarted, Firing());

        Assert.Single(TopLevelPosts());
        Assert.Contains(Logs(), r => r.Id.Id == 7080);
        var history = Assert.Single(slack.LogEntries, e => e.RequestMessage.Path.EndsWith("conversations.history", StringComparison.Ordinal));
        Assert.Equal("true", history.RequestMessage.Query!["include_all_metadata"].Single());
        Assert.Equal(Channel, history.RequestMessage.Query!["channel"].Single());
        // Bounded: from shortly before the intent was recorded, not the whole channel.
        Assert.Equal(SlackTs.Of(time.GetUtcNow() - TimeSpan.FromSeconds(40) - SlackPostIntents.ClockSlack), history.RequestMessage.Query!["oldest"].Single());

        // The resolve edits the one message.
        await DeliverOk(restarted, Resolved());
        var update = Assert.Single(StandIns.SlackCalls(slack, "chat.update"));
        Assert.Equal(TsOf(posted), update.GetProperty("ts").GetString());
        Assert.Single(TopLevelPosts());
    }

    [Fact]
    public async Task AnIntentWhosePostNeverReachedSlackIsPostedOnceUnderTheSameDeliveryId()
    {
        var store = Store();
        // Died after recording the intent, before the post left.
        var intent = await store.BeginPostAsync(
            new SlackPostIntent("alertmanager", Firing().Notification.GroupKey, Channel, "0123456789abcdef0123456789abcdef", time.GetUtcNow()),
            CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(40));

        await DeliverOk(Sink(store), Firing());

        var post = Assert.Single(TopLevelPosts());
        Assert.Equal(intent.DeliveryId, post.GetProperty("metadata").GetProperty("event_payload").GetProperty("delivery_id").GetString());
        Assert.Contains(Logs(), r => r.Id.Id == 7081);
        Assert.NotNull(await store.FindSlackMessageAsync("alertmanager", Firing().Notification.GroupKey, Channel, CancellationToken.None));
    }

    [Fact]
    public async Task AChannelWhoseHistoryCannotBeReadIsStillPostedToAndTheLogSaysWhatItNeeds()
    {
        var store = Store();
        // Routed by name: chat.postMessage takes it, conversations.history does not (channel_not_found).
        await store.BeginPostAsync(
            new SlackPostIntent("alertmanager", Firing().Notification.GroupKey, "#alerts", "0123456789abcdef0123456789abcdef", time.GetUtcNow()),
            CancellationToken.None);

        await DeliverOk(Sink(store, "#alerts"), Firing());

        Assert.Single(TopLevelPosts());
        var warning = Assert.Single(Logs(), r => r.Id.Id == 7082);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("channel_not_found", warning.Message, StringComparison.Ordinal);
        Assert.Contains("channels:history", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherDeliverysPostInTheChannelIsNotTakenForThisOne()
    {
        var store = Store();
        await DeliverOk(Sink(store), Labelled("{}:{alertname=\"Other\"}"));
        await store.BeginPostAsync(
            new SlackPostIntent("alertmanager", Firing().Notification.GroupKey, Channel, "0123456789abcdef0123456789abcdef", time.GetUtcNow()),
            CancellationToken.None);

        await DeliverOk(Sink(store), Firing());

        Assert.Equal(2, TopLevelPosts().Count);
        Assert.Contains(Logs(), r => r.Id.Id == 7081);
    }

    [Fact]
    public async Task AStormDigestSlackTookJustBeforeTheProcessDiedIsFoundByItsMetadataAndNotPostedAgain()
    {
        // The first process: a group posted alone, then a second new group makes a storm. Slack takes the digest; the
        // process dies before the store hears of it (neither the intent's close nor the digest's ts lands) and
        // without giving the digest's claim back.
        var dying = new DiesBeforeRecording(Store(), at: intent => intent.Source == SlackStormThread.DigestSource);
        var first = StormSink(dying, new StormStoreOfTheDead(Store(), dying));
        await DeliverOk(first, Rule(1));
        await first.DeliverAsync(Rule(2), CancellationToken.None);
        Assert.True(dying.Died);
        var digest = Assert.Single(TopLevelPosts(), IsDigest);
        Assert.Equal(SlackStormThread.DigestSource, digest.GetProperty("metadata").GetProperty("event_payload").GetProperty("source").GetString());

        // The next process on the same database, after the dead one's claim ran out (30 s), still inside the storm's
        // window: it delivers the group that was never marked delivered, and a new one.
        time.Advance(TimeSpan.FromSeconds(40));
        var storm = await Store().FindStormAsync(Channel, CancellationToken.None);
        Assert.NotNull(storm);
        Assert.Null(storm.DigestTs);
        var restarted = StormSink(Store(), Store());
        await DeliverOk(restarted, Rule(2));
        await DeliverOk(restarted, Rule(3));

        // One digest: found in the channel's history by its delivery id, then edited, never posted a second time.
        Assert.Single(TopLevelPosts(), IsDigest);
        var recovered = Assert.Single(Logs(), r => r.Id.Id == 7080);
        Assert.Contains(TsOf(digest), recovered.Message, StringComparison.Ordinal);
        var edits = StandIns.SlackCalls(slack, "chat.update");
        Assert.Contains(edits, e => e.GetProperty("ts").GetString() == TsOf(digest));
        // Two top-level messages in all: Rule1's own and the digest.
        Assert.Equal(2, TopLevelPosts().Count);
    }

    /// <summary>The storm store of <paramref name="process"/>: nothing it would write after the death lands (the digest's claim stays held).</summary>
    private sealed class StormStoreOfTheDead(ISlackStormStore store, DiesBeforeRecording process) : ISlackStormStore
    {
        public Task<SlackStormRecord?> OpenStormAsync(
            SlackStormRecord candidate, (string Source, string GroupKey) arriving, DateTimeOffset openSince, bool create, CancellationToken cancellationToken) =>
            store.OpenStormAsync(candidate, arriving, openSince, create, cancellationToken);

        public Task RecordAloneAsync(string channel, string source, string groupKey, int alerts, DateTimeOffset arrivedAt, DateTimeOffset openSince, CancellationToken cancellationToken) =>
            process.Died ? Task.CompletedTask : store.RecordAloneAsync(channel, source, groupKey, alerts, arrivedAt, openSince, cancellationToken);

        public Task<SlackStormRecord?> FindStormAsync(string channel, CancellationToken cancellationToken) =>
            store.FindStormAsync(channel, cancellationToken);

        public Task<bool> ClaimDigestAsync(string stormId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
            store.ClaimDigestAsync(stormId, owner, now, until, cancellationToken);

        public Task ReleaseDigestAsync(string stormId, string owner, string? digestTs, string? digestChannel, CancellationToken cancellationToken) =>
            process.Died ? Task.CompletedTask : store.ReleaseDigestAsync(stormId, owner, digestTs, digestChannel, cancellationToken);

        public Task SaveStormMemberAsync(SlackStormMemberRecord member, DateTimeOffset at, CancellationToken cancellationToken) =>
            process.Died ? Task.CompletedTask : store.SaveStormMemberAsync(member, at, cancellationToken);

        public Task<IReadOnlyList<SlackStormMemberRecord>> StormMembersAsync(string stormId, CancellationToken cancellationToken) =>
            store.StormMembersAsync(stormId, cancellationToken);
    }

    private static EnrichedNotification Rule(int i) =>
        Notification([Enriched(Alert(name: $"Rule{i}", fingerprint: $"fp{i}"))], 0, $"{{}}:{{alertname=\"Rule{i}\"}}");

    private static bool IsDigest(JsonElement post) =>
        post.GetProperty("text").GetString()?.Contains("Alert storm", StringComparison.Ordinal) == true;

    /// <summary>
    /// The store of a process killed between Slack's answer and recording it: the record never lands. It dies at the
    /// first post <paramref name="at"/> picks (every post by default); what it would record after that is lost too.
    /// </summary>
    private sealed class DiesBeforeRecording(ISlackMessageStore store, Func<SlackPostIntent, bool>? at = null) : ISlackMessageStore
    {
        public bool Died { get; private set; }

        public Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken) =>
            store.FindSlackMessageAsync(source, groupKey, channel, cancellationToken);

        public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken) =>
            Died ? Task.CompletedTask : store.SaveSlackMessageAsync(record, cancellationToken);

        public Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken) =>
            store.BeginPostAsync(intent, cancellationToken);

        public Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken)
        {
            if (!Died && at?.Invoke(intent) == false)
                return store.CompletePostAsync(intent, record, cancellationToken);
            Died = true;
            return Task.FromException(new OperationCanceledException("killed -9"));
        }
    }

    private static EnrichedNotification Firing() => Notification(Enriched(Alert()));

    private static EnrichedNotification Resolved()
    {
        var alert = Alert(status: AlertStatus.Resolved) with { EndsAt = new DateTimeOffset(2026, 11, 23, 14, 42, 5, TimeSpan.Zero) };
        var enriched = Notification(Enriched(alert));
        return enriched with { Notification = enriched.Notification with { Status = AlertStatus.Resolved, ReceivedAt = Start.AddMinutes(20) } };
    }

    private static EnrichedNotification Labelled(string groupKey) =>
        Notification([Enriched(Alert(name: "Other"))], 0, groupKey);

    private static async Task DeliverOk(IAlertSink sink, EnrichedNotification notification) =>
        Assert.Equal(DeliveryResult.Ok, await sink.DeliverAsync(notification, CancellationToken.None));

    /// <summary>Posts that are a group's own message (no thread_ts).</summary>
    private List<JsonElement> TopLevelPosts() =>
        StandIns.SlackCalls(slack, "chat.postMessage").Where(p => !p.TryGetProperty("thread_ts", out _)).ToList();

    private string TsOf(JsonElement request)
    {
        var raw = request.GetRawText();
        var entry = slack.LogEntries.Single(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)
            && JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetRawText() == raw);
        return JsonDocument.Parse(entry.ResponseMessage.BodyData!.BodyAsString!).RootElement.GetProperty("ts").GetString()!;
    }

    /// <summary>A store on this test's database (a second call is the same data, as after a restart).</summary>
    private SqliteAlertStore Store()
    {
        var store = database.Open(time);
        stores.Add(store);
        return store;
    }

    /// <summary>A sink whose storms are shared through <paramref name="storms"/>: a storm from the second new group, its digest posted and edited at once, and a window longer than the test.</summary>
    private IAlertSink StormSink(ISlackMessageStore messages, ISlackStormStore storms) =>
        Sink(messages, Channel, storms, new()
        {
            [SlackOptions.SectionName + ":StormThreshold"] = "1",
            [SlackOptions.SectionName + ":StormDigestInterval"] = "00:00:00",
            [SlackOptions.SectionName + ":StormWindow"] = "00:05:00",
        });

    private IAlertSink Sink(ISlackMessageStore store, string channel = Channel, ISlackStormStore? storms = null, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [SlackOptions.SectionName + ":BotToken"] = "xoxb-test",
            [SlackOptions.SectionName + ":Channel"] = channel,
            [SlackOptions.SectionName + ":ApiUrl"] = slack.Url + "/api/",
            [SlackOptions.SectionName + ":PaceInterval"] = "00:00:00",
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        var services = new ServiceCollection();
        if (storms is not null)
            services.AddSingleton(storms);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        services.AddSingleton(store);
        services.AddSlack();
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<IAlertSink>();
    }

    private IReadOnlyList<FakeLogRecord> Logs() => collector.GetSnapshot();
}
