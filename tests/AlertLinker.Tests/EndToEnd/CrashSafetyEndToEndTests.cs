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
        var settings = new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            ["Sources:Alertmanager:BearerToken"] = bearer,
            ["Slack:BotToken"] = "xoxb-e2e-not-a-real-token",
            ["Slack:Channel"] = "C0E2ETEST",
            ["Slack:ApiUrl"] = StandIns.SlackApiUrl(slack).AbsoluteUri,
            // Retry soon after the failed attempt, so the restarted service's delivery is quick to observe.
            ["Delivery:InitialBackoff"] = "00:00:01",
        };
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

        // 2. Slack is back; a new process on the same store delivers the pending alert.
        StandIns.SlackAnswersOk(slack);
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
        var afterSwitch = slack.LogEntries
            .Where(e => !(e.RequestMessage.Body ?? "").Contains("\"text\":\"Details: ", StringComparison.Ordinal))
            .ToList();
        Assert.True(slack.LogEntries.Count - afterSwitch.Count <= 1, $"more than one detail reply\n{Diagnostics()}");
        Assert.True(afterSwitch.Count == 1,
            $"expected exactly one Slack call after the restart, got {afterSwitch.Count}\n{Diagnostics()}");
        Assert.Contains(AlertName, afterSwitch[0].RequestMessage.Body ?? "", StringComparison.Ordinal);
        Assert.EndsWith("chat.postMessage", afterSwitch[0].RequestMessage.Path, StringComparison.Ordinal);
        output.WriteLine($"passed after {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
