using AlertLinker.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>
/// A storm through the sink, on a fake clock, against a recording chat: what goes to Slack and when, and what each
/// notification's delivery answers.
/// </summary>
public sealed class SlackStormThreadTests : IDisposable
{
    private const string Channel = "C1H9RESGL";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
    private readonly RecordingChat chat = new();
    private readonly SlackTestServices services;

    public SlackStormThreadTests() => services = new(time);

    public void Dispose() => services.Dispose();

    [Fact]
    public async Task DigestEditsAreCoalescedIntoOnePerIntervalHoldingEveryGroupThatJoinedSinceTheLast()
    {
        var sink = Sink(("StormThreshold", "1"), ("StormDetails", "1"), ("StormMaxDetails", "1"), ("StormDigestInterval", "00:00:05"));
        Assert.True((await sink.DeliverAsync(Group(0), CancellationToken.None)).Delivered);
        // The storm's first group: the digest goes out at once, and its full message in the digest's thread.
        Assert.True((await sink.DeliverAsync(Group(1), CancellationToken.None)).Delivered);
        Assert.Equal(3, chat.Calls.Count);

        var joined = await Task.WhenAll(Enumerable.Range(2, 20).Select(i => sink.DeliverAsync(Group(i), CancellationToken.None)));

        // Nothing more for Slack before the interval has passed: each comes back when the next edit is due.
        Assert.All(joined, r => Assert.True(r is { Deferred: true, Delivered: false, RetryAfter: { } after } && after <= TimeSpan.FromSeconds(5)));
        Assert.Equal(3, chat.Calls.Count);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await sink.DeliverAsync(Group(2), CancellationToken.None)).Delivered);

        // One reply listing all twenty, one edit of the digest naming all of them.
        var (reply, edit) = (chat.Calls[3], chat.Calls[4]);
        Assert.Equal(chat.DigestTs, reply.ThreadTs);
        Assert.All(Enumerable.Range(2, 20), i => Assert.Contains($"*Rule{i}*", reply.Mrkdwn, StringComparison.Ordinal));
        Assert.Equal(("update", chat.DigestTs), (edit.Method, edit.Ts));
        Assert.All(Enumerable.Range(1, 21), i => Assert.Contains($"*Rule{i}*", edit.Mrkdwn, StringComparison.Ordinal));
        Assert.Contains("🌩 Alert storm: 22 alerts in 22 groups", edit.Mrkdwn, StringComparison.Ordinal);
        // The others, back for their turn, are delivered without another call.
        Assert.All(await Task.WhenAll(Enumerable.Range(3, 19).Select(i => sink.DeliverAsync(Group(i), CancellationToken.None))), r => Assert.True(r.Delivered));
        Assert.Equal(5, chat.Calls.Count);
    }

    [Fact]
    public async Task AfterASlackOutageTheDigestCountsEachGroupAndAlertOnce()
    {
        var sink = Sink(("StormThreshold", "3"), ("StormDigestInterval", "00:00:00"));
        chat.Down = true;
        foreach (var i in Enumerable.Range(1, 5))
            Assert.True((await sink.DeliverAsync(Group(i, alerts: 2), CancellationToken.None)).Retryable);
        chat.Down = false;

        foreach (var i in Enumerable.Range(1, 50))
            Assert.True((await sink.DeliverAsync(Group(i, alerts: 2), CancellationToken.None)).Delivered);

        var digest = chat.Calls.Last(c => c.Method == "update" && c.Ts == chat.DigestTs);
        Assert.Contains("🌩 Alert storm: 100 alerts in 50 groups", digest.Mrkdwn, StringComparison.Ordinal);
        Assert.DoesNotContain("above with messages of their own", digest.Mrkdwn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupsBeforeTheStormAreCountedOnceAndOnlyTheFirstFewGetFullMessages()
    {
        var sink = Sink(("StormThreshold", "2"), ("StormDetails", "2"), ("StormMaxDetails", "2"), ("StormDigestInterval", "00:00:00"));

        foreach (var i in Enumerable.Range(1, 10))
            Assert.True((await sink.DeliverAsync(Group(i, alerts: 3), CancellationToken.None)).Delivered);

        var topLevel = chat.Calls.Where(c => c is { Method: "post", ThreadTs: null }).ToList();
        Assert.Equal(3, topLevel.Count);
        var inThread = chat.Calls.Where(c => c.ThreadTs == chat.DigestTs).ToList();
        // Rule3 and Rule4 get their full message (with the coloured attachment); the six others are lines of replies.
        Assert.Equal(2, inThread.Count(c => c.Full));
        Assert.All(inThread.Where(c => !c.Full), c => Assert.DoesNotContain("🔥 *Rule3*", c.Mrkdwn, StringComparison.Ordinal));
        Assert.Equal(6, inThread.Where(c => !c.Full).Sum(c => c.Mrkdwn.Split('\n').Count(l => l.StartsWith("• ", StringComparison.Ordinal))));
        var digest = chat.Calls.Last(c => c.Method == "update" && c.Ts == chat.DigestTs);
        Assert.Contains("🌩 Alert storm: 30 alerts in 10 groups", digest.Mrkdwn, StringComparison.Ordinal);
        Assert.Contains("2 groups (6 alerts) above with messages of their own", digest.Mrkdwn, StringComparison.Ordinal);
        Assert.Contains("*Rule3* · checkout · 3 alerts 🔎", digest.Mrkdwn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroupListedInTheDigestGetsItsFullMessageInTheThreadWhenItResolves()
    {
        var sink = Sink(("StormThreshold", "1"), ("StormDetails", "0"), ("StormMaxDetails", "0"), ("StormDigestInterval", "00:00:00"));
        await sink.DeliverAsync(Group(1), CancellationToken.None);
        Assert.True((await sink.DeliverAsync(Group(2), CancellationToken.None)).Delivered);
        var before = chat.Calls.Count;

        var resolved = Group(2, status: AlertStatus.Resolved);
        Assert.True((await sink.DeliverAsync(resolved, CancellationToken.None)).Delivered);

        var full = chat.Calls[before];
        Assert.True(full is { Method: "post", Full: true });
        Assert.Equal(chat.DigestTs, full.ThreadTs);
        Assert.Contains("RESOLVED", full.Mrkdwn, StringComparison.Ordinal);
        // The digest itself is never overwritten with one group's message.
        Assert.DoesNotContain(chat.Calls.Skip(before), c => c.Method == "update" && c.Ts == chat.DigestTs && c.Full);
    }

    [Fact]
    public async Task WhileAStormHoldsTheChannelANewGroupJoinsWithoutWaitingAndOtherChannelsGoAhead()
    {
        var sink = Sink(("StormThreshold", "1"), ("StormDigestInterval", "00:00:05"),
            ("Routes:0:Match", "team=\"search\""), ("Routes:0:Channel", "CSEARCH"));
        await sink.DeliverAsync(Group(1), CancellationToken.None);
        chat.Hold = new TaskCompletionSource();
        var holding = sink.DeliverAsync(Group(2), CancellationToken.None);

        var joined = await sink.DeliverAsync(Group(3), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var elsewhere = await sink.DeliverAsync(Group(4, team: "search"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(joined.Deferred);
        Assert.True(elsewhere.Delivered);
        Assert.False(holding.IsCompleted);
        chat.Hold.SetResult();
        Assert.True((await holding).Delivered);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await sink.DeliverAsync(Group(3), CancellationToken.None)).Delivered);
        Assert.Contains("*Rule3*", chat.Calls.Last(c => c.Method == "update").Mrkdwn, StringComparison.Ordinal);
    }

    private static EnrichedNotification Group(int i, int alerts = 1, AlertStatus status = AlertStatus.Firing, string team = "payments")
    {
        var enriched = Enumerable.Range(0, alerts).Select(a => Enriched(Alert($"Rule{i}", status, fingerprint: $"fp{i}-{a}") with
        {
            Labels = new Dictionary<string, string> { ["alertname"] = $"Rule{i}", ["service"] = "checkout", ["team"] = team },
        })).ToList();
        var notification = Notification(enriched, 0, $"group-{i}");
        return notification with
        {
            Notification = notification.Notification with
            {
                Status = status,
                ReceivedAt = status == AlertStatus.Resolved ? Start.AddMinutes(10) : Start,
            },
        };
    }

    private IAlertSink Sink(params (string Key, string Value)[] settings) =>
        services.Get<IAlertSink>(settings.Append((Key: "Channel", Value: Channel)), s => s.AddSingleton<ISlackChat>(chat));

    /// <summary>One call as the chat saw it.</summary>
    private sealed record Call(string Method, string Channel, string? Ts, string? ThreadTs, string Mrkdwn, bool Full);

    /// <summary>Slack as a list of calls; answers ok with a new ts, or a retryable failure while down.</summary>
    private sealed class RecordingChat : ISlackChat
    {
        private long next = 1;

        public List<Call> Calls { get; } = [];

        public bool Down { get; set; }

        /// <summary>When set, calls to the default channel wait for it (a slow Slack holding that channel).</summary>
        public TaskCompletionSource? Hold { get; set; }

        public string? DigestTs => Calls.FirstOrDefault(c => c is { Method: "post", ThreadTs: null } && c.Mrkdwn.Contains("🌩 Alert storm", StringComparison.Ordinal))?.Ts;

        public async Task<SlackCall> PostAsync(SlackPostMessageRequest request, CancellationToken cancellationToken)
        {
            if (Hold is { } hold && request.Channel == SlackStormThreadTests.Channel)
                await hold.Task;
            if (Down)
                return new SlackCall(DeliveryResult.Retry("Slack API answered HTTP 503"));
            var ts = "1700000000." + Interlocked.Increment(ref next).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            lock (Calls)
                Calls.Add(new Call("post", request.Channel, ts, request.ThreadTs, Text(request.Blocks, request.Attachments), request.Attachments is { Count: > 0 }));
            return new SlackCall(DeliveryResult.Ok, ts, Channel: request.Channel);
        }

        /// <summary>Nothing is ever lost between a post and its record here: the history is not needed.</summary>
        public Task<SlackHistoryPage> HistoryAsync(string channel, DateTimeOffset oldest, string? cursor, CancellationToken cancellationToken) =>
            Task.FromResult(new SlackHistoryPage(DeliveryResult.Ok, []));

        public async Task<SlackCall> UpdateAsync(SlackUpdateMessageRequest request, CancellationToken cancellationToken)
        {
            if (Hold is { } hold && request.Channel == SlackStormThreadTests.Channel)
                await hold.Task;
            if (Down)
                return new SlackCall(DeliveryResult.Retry("Slack API answered HTTP 503"));
            lock (Calls)
                Calls.Add(new Call("update", request.Channel, request.Ts, null, Text(request.Blocks, request.Attachments), request.Attachments is { Count: > 0 }));
            return new SlackCall(DeliveryResult.Ok, request.Ts, Channel: request.Channel);
        }

        private static string Text(IReadOnlyList<SlackBlock>? blocks, IReadOnlyList<SlackAttachment>? attachments) =>
            string.Join("\n", (blocks ?? []).Concat((attachments ?? []).SelectMany(a => a.Blocks ?? [])).SelectMany(b => b.TextObjects()).Select(t => t.Text));
    }
}
