using System.Diagnostics;
using System.Net;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// Durable accept with the real binary: after a 202 the alert survives a hard kill (no graceful shutdown) and is
/// delivered exactly once by the next process on the same store.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class CrashSafetyEndToEndTests(ITestOutputHelper output)
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";
    private const string AlertName = "HighRequestLatency";

    /// <summary>Long enough for the delivery worker's first retry after a failed attempt.</summary>
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a second delivery gets to show up before the test believes there is none.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    [EndToEndFact]
    public async Task AlertAcceptedBeforeAHardKillIsDeliveredExactlyOnceAfterRestart()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var storage = new TempDirectory("crash-storage");
        using var slack = StandIns.StartLoopback();
        StandIns.SlackIsDown(slack);
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var settings = ServiceSettings.Of(ServiceSettings.AlertmanagerToSlack(bearer, slack, "C0E2ETEST"), new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            // Retry soon after the failed attempt, so the restarted service's delivery is quick to observe.
            ["Delivery:InitialBackoff"] = "00:00:01",
        });
        var body = SharedFixtures.ReadBytes(Capture);

        // 1. Accepted while Slack is down, so it cannot have been delivered; then the process dies without warning.
        await using (var first = await AlertLinkerProcess.StartAsync("alertlinker-1", settings, ct))
        {
            using var response = await first.PostAlertmanagerAsync(http, body, bearer, ct);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted,
                $"expected 202, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}\n{first.Describe()}");

            // Wait for a failed delivery attempt, so the kill hits a notification the worker already holds as pending-with-retry.
            await BoundedWait.UntilAsync("a (failing) delivery attempt to Slack", TimeSpan.FromSeconds(30),
                _ => Task.FromResult(StandIns.SlackPosts(slack).Count > 0),
                () => first.Describe() + "\n" + StandIns.Describe("slack", slack), ct);
            first.KillHard();
            output.WriteLine($"killed after {clock.Elapsed.TotalSeconds:0.0} s; {StandIns.SlackPosts(slack).Count} failed attempt(s)");
        }
        Assert.All(StandIns.SlackPosts(slack), e => Assert.Equal(503, StandIns.StatusOf(e)));

        // 2. Slack is back; a new process on the same store delivers the pending alert. Its post's intent is still open
        //    (the first process died with it), so it first looks for the post in the channel's history: not there.
        StandIns.SlackWorkspace(slack);
        slack.ResetLogEntries();
        await using var second = await AlertLinkerProcess.StartAsync("alertlinker-2", settings, ct);
        string Diagnostics() => second.Describe() + "\n" + StandIns.Describe("slack", slack);

        await BoundedWait.UntilAsync($"delivery of {AlertName} after the restart", DeliveryTimeout,
            _ => Task.FromResult(StandIns.SlackPosts(slack).Any(e => StandIns.StatusOf(e) == 200)),
            Diagnostics, ct);
        output.WriteLine($"delivered after {clock.Elapsed.TotalSeconds:0.0} s");

        // 3. Alertmanager's retry of the same notification is acknowledged, not delivered again.
        using (var retry = await second.PostAlertmanagerAsync(http, body, bearer, ct))
            Assert.True(retry.IsSuccessStatusCode, $"a duplicate should be acknowledged, got {(int)retry.StatusCode}\n{Diagnostics()}");

        await Task.Delay(QuietPeriod, ct);
        // The message's one detail reply in its thread (findings, runbook steps) is part of the same delivery.
        var chat = slack.LogEntries.Where(e => e.RequestMessage.Path.Contains("/chat.", StringComparison.Ordinal)).ToList();
        var afterSwitch = chat
            .Where(e => !(e.RequestMessage.Body ?? "").Contains("\"text\":\"Details: ", StringComparison.Ordinal))
            .ToList();
        Assert.True(chat.Count - afterSwitch.Count <= 1, $"more than one detail reply\n{Diagnostics()}");
        Assert.True(slack.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("conversations.history", StringComparison.Ordinal)) <= 1,
            $"the channel's history read more than once\n{Diagnostics()}");
        Assert.True(afterSwitch.Count == 1,
            $"expected exactly one Slack call after the restart, got {afterSwitch.Count}\n{Diagnostics()}");
        Assert.Contains(AlertName, afterSwitch[0].RequestMessage.Body ?? "", StringComparison.Ordinal);
        Assert.EndsWith("chat.postMessage", afterSwitch[0].RequestMessage.Path, StringComparison.Ordinal);
        output.WriteLine($"passed after {clock.Elapsed.TotalSeconds:0.0} s");
    }
}

/// <summary>
/// Exactly once with the real binary under load: 1 000 alerts (250 groups of 4) accepted, the service killed -9 twice
/// while it delivers (posts in flight each time) and restarted on the same SQLite file: every group has exactly one
/// top-level message in the channel. A post in flight at a kill is in Slack but not in the store; the next process
/// finds it by its metadata in the channel's history.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class KilledTwiceEndToEndTests(ITestOutputHelper output)
{
    private const string Channel = "C0E2ETEST";
    private const int Groups = 250;
    private const int AlertsPerGroup = 4;
    private static readonly TimeSpan SlackLatency = TimeSpan.FromMilliseconds(60);

    [EndToEndFact]
    public async Task ThousandAlertsKilledTwiceMidDeliveryAreEachPostedExactlyOnce()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var storage = new TempDirectory("killed-twice");
        using var slack = StandIns.StartLoopback();
        StandIns.SlackWorkspace(slack, SlackLatency);
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var settings = ServiceSettings.Of(ServiceSettings.AlertmanagerToSlack(bearer, slack, Channel), new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            ["Slack:PaceInterval"] = "00:00:00",
            ["Slack:StormThreshold"] = "1000",
            ["Delivery:PollInterval"] = "00:00:00.200",
        });
        var recovered = 0;
        var describe = "";
        // The service's own log says where it got to; the stand-in's request log is a thousand calls long.
        string Diagnostics() => describe;

        // 1. Everything accepted by the first process; killed once a quarter of the groups are in Slack.
        await using (var first = await AlertLinkerProcess.StartAsync("alertlinker-k1", settings, ct))
        {
            for (var i = 0; i < Groups; i++)
            {
                using var answer = await first.PostAlertmanagerAsync(http, Body(i), bearer, ct);
                Assert.True(answer.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)answer.StatusCode}\n{first.Describe()}");
            }
            describe = first.Describe();
            await KillWhenPostedAsync(first, slack, Groups / 4, Diagnostics, ct);
        }
        var afterFirst = (await PostsPerGroupAsync(slack, ct)).Count;

        // 2. Restarted, killed again mid-delivery.
        await using (var second = await AlertLinkerProcess.StartAsync("alertlinker-k2", settings, ct))
        {
            await KillWhenPostedAsync(second, slack, afterFirst + Groups / 4, Diagnostics, ct);
            recovered += Recovered(second.Describe());
        }
        var afterSecond = (await PostsPerGroupAsync(slack, ct)).Count;

        // 3. Restarted for good: it finishes.
        await using var third = await AlertLinkerProcess.StartAsync("alertlinker-k3", settings, ct);
        describe = third.Describe();
        await BoundedWait.UntilAsync($"all {Groups} groups in the channel", TimeSpan.FromSeconds(90),
            async token => (await PostsPerGroupAsync(slack, token)).Count == Groups, Diagnostics, ct);
        // Anything still in flight (a detail reply, a late duplicate) has its chance to show.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        recovered += Recovered(third.Describe());

        var posts = await PostsPerGroupAsync(slack, ct);
        var duplicated = posts.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        output.WriteLine($"kills after {afterFirst} and {afterSecond} groups in Slack; {posts.Count} groups, {posts.Values.Sum()} top-level posts; " +
                         $"duplicated: {string.Join(", ", duplicated)}; recovered from history: {recovered}; {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Groups, posts.Count);   // 0 lost
        Assert.Empty(duplicated);            // 0 duplicated
    }

    private static int Recovered(string log) =>
        System.Text.RegularExpressions.Regex.Matches(log, "found it in the channel's history").Count;

    private static async Task KillWhenPostedAsync(AlertLinkerProcess process, WireMockServer slack, int groups, Func<string> diagnostics, CancellationToken ct)
    {
        await BoundedWait.UntilAsync($"{groups} groups in the channel", TimeSpan.FromSeconds(60),
            async token => (await PostsPerGroupAsync(slack, token)).Count >= groups, diagnostics, ct);
        process.KillHard();
    }

    /// <summary>The channel's top-level messages per group, read from their metadata as Slack's history gives it.</summary>
    private static async Task<Dictionary<string, int>> PostsPerGroupAsync(WireMockServer slack, CancellationToken ct) =>
        (await StandIns.SlackHistoryAsync(slack, Channel, ct))
            .Select(m => m.TryGetProperty("metadata", out var metadata) ? metadata.GetProperty("event_payload").GetProperty("group_key").GetString() : null)
            .OfType<string>()
            .GroupBy(group => group)
            .ToDictionary(g => g.Key, g => g.Count());

    private static byte[] Body(int i) => GroupBodies.Body($"E2EKilledGroup{i:000}", i, alerts: AlertsPerGroup);
}
