using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.Storage.Postgres;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// A storm split between two replicas of the real service on one PostgreSQL — half the groups reach one, half the
/// other — is one storm in Slack: exactly one digest in the channel, and its last version counts and names every group.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class StormAcrossReplicasEndToEndTests(ITestOutputHelper output)
{
    private const int Groups = 12;
    private const string Channel = "C0E2ESTORM";

    [PostgresEndToEndFact]
    public async Task AStormSplitBetweenTwoReplicasHasOneDigestThatCountsAndNamesEveryGroup()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var postgres = new PostgresServer();
        var database = postgres.Database(GetType());
        using var slack = StandIns.StartLoopback();
        StandIns.SlackWorkspace(slack);
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var settings = ServiceSettings.OnPostgres(
            postgres.ConnectionString(database), bearer, slack, Channel, new Dictionary<string, string>
            {
                // Fewer new groups than this reach each replica before the other has its storm: each alone would stay
                // under it for a while, so the replica that sees the storm first opens it and the other joins.
                ["Slack:StormThreshold"] = "3",
                ["Slack:StormDigestInterval"] = "00:00:01",
                ["Slack:StormDetails"] = "1",
                ["Slack:StormMaxDetails"] = "1",
            });

        await using var a = await AlertLinkerProcess.StartAsync("alertlinker-a", settings, ct);
        await using var b = await AlertLinkerProcess.StartAsync("alertlinker-b", settings, ct);
        string Diagnostics() => a.Describe() + "\n" + b.Describe() + "\n" + StandIns.Describe("slack", slack);

        // Even groups to a, odd ones to b, at once: each replica delivers its half.
        await Task.WhenAll(Enumerable.Range(0, Groups).Select(async i =>
        {
            using var answer = await (i % 2 == 0 ? a : b).PostAlertmanagerAsync(http, GroupBodies.Body(Group(i), i, alerts: Alerts(i)), bearer, ct);
            Assert.True(answer.StatusCode == HttpStatusCode.Accepted,
                $"expected 202, got {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(ct)}\n{Diagnostics()}");
        }));
        await BoundedWait.UntilAsync("every notification delivered", TimeSpan.FromSeconds(60),
            _ => Task.FromResult((long)PostgresServer.Scalar(postgres.ConnectionString(database),
                "SELECT count(*) FROM notifications WHERE state = 'delivered'")! == Groups), Diagnostics, ct);

        var history = await StandIns.SlackHistoryAsync(slack, Channel, ct);
        var digests = history.Where(m => m.GetRawText().Contains("Alert storm", StringComparison.Ordinal)).ToList();
        var alone = history.Except(digests).Select(m => GroupOf(m.GetRawText())).OfType<string>().ToHashSet();
        var digest = Assert.Single(digests);
        var digestTs = digest.GetProperty("ts").GetString()!;
        var shown = LatestDigestBody(slack, digestTs);
        var title = StormTitle().Match(shown);
        output.WriteLine($"{history.Count} top-level messages ({alone.Count} groups alone, {digests.Count} digest); digest now: " +
                         $"{title.Value}; passed after {clock.Elapsed.TotalSeconds:0.0} s");

        foreach (var version in slack.LogEntries.Select(e => e.RequestMessage.Body ?? "").Where(body => body.Contains("Alert storm", StringComparison.Ordinal)))
            output.WriteLine("digest version: " + StormTitle().Match(version).Value);
        output.WriteLine("alone: " + string.Join(", ", alone.Order()) + "\n" + shown);
        Assert.True(title.Success, shown);
        Assert.Equal((Enumerable.Range(0, Groups).Sum(Alerts), Groups), (int.Parse(title.Groups[1].Value), int.Parse(title.Groups[2].Value)));
        // Every group is in the channel once: with a message of its own from before the storm, or a line of the digest.
        Assert.All(Enumerable.Range(0, Groups).Select(Group), group =>
            Assert.True(alone.Contains(group) ^ shown.Contains($"*{group}*", StringComparison.Ordinal), $"{group} alone or in the digest, not both\n{shown}"));
    }

    private static string Group(int i) => $"E2EStormGroup{i:00}";

    private static int Alerts(int i) => i % 3 + 1;

    private static string? GroupOf(string text) =>
        Enumerable.Range(0, Groups).Select(Group).FirstOrDefault(g => text.Contains(g, StringComparison.Ordinal));

    /// <summary>The digest's text as Slack shows it now: its last chat.update, else its post.</summary>
    private static string LatestDigestBody(WireMockServer slack, string ts) =>
        slack.LogEntries
            .Where(e => e.RequestMessage.Path.EndsWith("chat.update", StringComparison.Ordinal)
                        && (e.RequestMessage.Body ?? "").Contains($"\"ts\":\"{ts}\"", StringComparison.Ordinal))
            .Select(e => e.RequestMessage.Body!)
            .LastOrDefault()
        ?? StandIns.SlackPosts(slack).Select(e => e.RequestMessage.Body ?? "").First(body => body.Contains("Alert storm", StringComparison.Ordinal));

    [GeneratedRegex(@"Alert storm: (\d+) alerts? in (\d+) groups?")]
    private static partial Regex StormTitle();
}
