using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.Storage.Postgres;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// Two replicas of the real service on one PostgreSQL, every notification sent to both (as an Alertmanager HA pair
/// does), one replica killed -9 while it delivers and not restarted: every group has exactly one top-level message
/// in the channel (a post the dead replica made but never recorded is found by its metadata, not posted again), and
/// the resolves, through the survivor, edit those messages.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ReplicasEndToEndTests(ITestOutputHelper output)
{
    private const int Groups = 16;
    private const string Channel = "C0E2ETEST";
    private static readonly TimeSpan SlackLatency = TimeSpan.FromMilliseconds(400);

    [PostgresEndToEndFact]
    public async Task AReplicaKilledMidDeliveryLosesNoGroupTheSurvivorFinishesAndResolvesEditTheMessage()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var postgres = new PostgresServer();
        var database = postgres.Database(GetType());
        using var slack = StandIns.StartLoopback();
        // Every call answered after a while: deliveries are in flight long enough to kill one, and a post in flight
        // at the kill is in the channel although its poster never learns its ts.
        StandIns.SlackWorkspace(slack, SlackLatency);
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var settings = ServiceSettings.OnPostgres(
            postgres.ConnectionString(database), bearer, slack, Channel, new Dictionary<string, string>
            {
                ["Slack:StormThreshold"] = "1000",
                // A dead replica's claims come back after 3 s instead of 30.
                ["Delivery:Lease"] = "00:00:03",
            });

        await using var a = await AlertLinkerProcess.StartAsync("alertlinker-a", settings, ct);
        await using var b = await AlertLinkerProcess.StartAsync("alertlinker-b", settings, ct);
        string Diagnostics() => a.Describe() + "\n" + b.Describe() + "\n" + StandIns.Describe("slack", slack);

        // 1. Every group's firing notification to both replicas at once; both answer 202.
        await SendToBothAsync(a, b, http, bearer, resolved: false, Diagnostics, ct);

        // 2. Kill replica a while it is delivering: once it has claims and Slack has seen some posts.
        var ownerOfA = $"/{a.ProcessId}/";
        await BoundedWait.UntilAsync("replica a holding claims while Slack has posts", TimeSpan.FromSeconds(60),
            _ => Task.FromResult(ClaimedBy(postgres, database, ownerOfA).Count > 0 && StandIns.SlackPosts(slack).Count > 0),
            Diagnostics, ct);
        a.KillHard();
        var inFlightAtKill = ClaimedBy(postgres, database, ownerOfA);
        output.WriteLine($"killed a after {clock.Elapsed.TotalSeconds:0.0} s holding {inFlightAtKill.Count} claim(s): {string.Join(", ", inFlightAtKill)}");

        // 3. The survivor delivers everything, including what a held when it died.
        await BoundedWait.UntilAsync("every firing notification delivered", TimeSpan.FromSeconds(90),
            _ => Task.FromResult(Count(postgres, database, "state = 'delivered'") == Groups), Diagnostics, ct);
        var topLevel = await TopLevelPostsPerGroupAsync(slack, ct);

        // 4. The resolves go to the survivor only (a is gone); each edits its group's message.
        slack.ResetLogEntries();
        await SendToOneAsync(b, http, bearer, Diagnostics, ct);
        await BoundedWait.UntilAsync("every resolve delivered", TimeSpan.FromSeconds(90),
            _ => Task.FromResult(Count(postgres, database, "state = 'delivered'") == 2 * Groups), Diagnostics, ct);
        var updates = slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.update", StringComparison.Ordinal)).ToList();
        var afterResolve = await TopLevelPostsPerGroupAsync(slack, ct);

        var duplicated = topLevel.Where(g => g.Value > 1).Select(g => g.Key).ToList();
        var recovered = System.Text.RegularExpressions.Regex.Matches(b.Describe(), "found it in the channel's history").Count;
        output.WriteLine($"top-level posts: {topLevel.Values.Sum()} for {Groups} groups; duplicated: {string.Join(", ", duplicated)}; " +
                         $"posts of a recovered from the channel's history by b: {recovered}; passed after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Groups, topLevel.Count); // no group lost
        Assert.Empty(duplicated);             // none posted twice, even the one a posted just before it died
        // Each resolve edited its group's one message (the ts in the channel), and posted no new one.
        Assert.All(topLevel.Keys, group => Assert.Contains(updates, u => (u.RequestMessage.Body ?? "").Contains(group, StringComparison.Ordinal)));
        Assert.Equal(topLevel, afterResolve);
        Assert.DoesNotContain(PostgresServer.Password, a.Describe() + b.Describe(), StringComparison.Ordinal);
    }

    /// <summary>The groups whose notifications the owner (pid part of the claim owner) holds now.</summary>
    private static List<string> ClaimedBy(PostgresServer postgres, string database, string ownerPart)
    {
        using var connection = new Npgsql.NpgsqlConnection(postgres.ConnectionString(database));
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(
            "SELECT payload FROM notifications WHERE state = 'pending' AND claim_owner LIKE '%' || $1 || '%' AND lease_until > now()", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ownerPart });
        using var reader = command.ExecuteReader();
        var groups = new List<string>();
        while (reader.Read())
            groups.Add(GroupOf(reader.GetString(0)) ?? "?");
        return groups;
    }

    private static long Count(PostgresServer postgres, string database, string condition) =>
        (long)PostgresServer.Scalar(postgres.ConnectionString(database), $"SELECT count(*) FROM notifications WHERE {condition}")!;

    private static string Group(int i) => $"E2EReplicaGroup{i:00}";

    private static string? GroupOf(string text)
    {
        for (var i = 0; i < Groups; i++)
            if (text.Contains(Group(i), StringComparison.Ordinal))
                return Group(i);
        return null;
    }

    /// <summary>The channel's top-level messages as Slack lists them (thread replies are not among them), counted per group.</summary>
    private static async Task<Dictionary<string, int>> TopLevelPostsPerGroupAsync(WireMockServer slack, CancellationToken ct) =>
        (await StandIns.SlackHistoryAsync(slack, Channel, ct))
            .Select(message => GroupOf(message.GetRawText()))
            .OfType<string>()
            .GroupBy(group => group)
            .ToDictionary(g => g.Key, g => g.Count());

    private static byte[] Body(int i, bool resolved) => GroupBodies.Body(Group(i), i, resolved);

    private static async Task SendToBothAsync(
        AlertLinkerProcess a, AlertLinkerProcess b, HttpClient http, string bearer, bool resolved, Func<string> diagnostics, CancellationToken ct)
    {
        for (var i = 0; i < Groups; i++)
        {
            var body = Body(i, resolved);
            var answers = await Task.WhenAll(a.PostAlertmanagerAsync(http, body, bearer, ct), b.PostAlertmanagerAsync(http, body, bearer, ct));
            foreach (var answer in answers)
            {
                Assert.True(answer.StatusCode == HttpStatusCode.Accepted,
                    $"expected 202, got {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(ct)}\n{diagnostics()}");
                answer.Dispose();
            }
        }
    }

    private static async Task SendToOneAsync(AlertLinkerProcess survivor, HttpClient http, string bearer, Func<string> diagnostics, CancellationToken ct)
    {
        for (var i = 0; i < Groups; i++)
        {
            using var answer = await survivor.PostAlertmanagerAsync(http, Body(i, resolved: true), bearer, ct);
            Assert.True(answer.StatusCode == HttpStatusCode.Accepted,
                $"expected 202, got {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(ct)}\n{diagnostics()}");
        }
    }
}

/// <summary>An end-to-end fact that also needs PostgreSQL's server binaries (skipped with the reason outside CI when absent).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresEndToEndFactAttribute : FactAttribute
{
    public PostgresEndToEndFactAttribute()
    {
        if (!EndToEndBinaries.InCi && (EndToEndBinaries.Missing() ?? PostgresBinaries.Missing()) is { } message)
            Skip = message + " Skipped outside CI.";
    }
}
