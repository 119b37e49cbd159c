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
/// does), one replica killed -9 while it delivers and not restarted.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ReplicasEndToEndTests(ITestOutputHelper output)
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";
    private const int Groups = 16;
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
        // Every call answered after a while: deliveries are in flight long enough to kill one.
        StandIns.SlackAnswersOk(slack, SlackLatency);
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = postgres.ConnectionString(database),
            ["Sources:Alertmanager:BearerToken"] = bearer,
            ["Slack:BotToken"] = "xoxb-e2e-not-a-real-token",
            ["Slack:Channel"] = "C0E2ETEST",
            ["Slack:ApiUrl"] = StandIns.SlackApiUrl(slack).AbsoluteUri,
            ["Slack:PaceInterval"] = "00:00:00",
            ["Slack:StormThreshold"] = "1000",
            // A dead replica's claims come back after 3 s instead of 30.
            ["Delivery:Lease"] = "00:00:03",
            ["Delivery:PollInterval"] = "00:00:00.250",
        };

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
        var topLevel = TopLevelPostsPerGroup(slack);

        // 4. The resolves go to the survivor only (a is gone); each edits its group's message.
        slack.ResetLogEntries();
        await SendToOneAsync(b, http, bearer, Diagnostics, ct);
        await BoundedWait.UntilAsync("every resolve delivered", TimeSpan.FromSeconds(90),
            _ => Task.FromResult(Count(postgres, database, "state = 'delivered'") == 2 * Groups), Diagnostics, ct);
        var updates = slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.update", StringComparison.Ordinal)).ToList();
        var postsAfterResolve = TopLevelPostsPerGroup(slack);

        var duplicated = topLevel.Where(g => g.Value > 1).Select(g => g.Key).ToList();
        output.WriteLine($"top-level posts: {topLevel.Values.Sum()} for {Groups} groups; duplicated: {string.Join(", ", duplicated)}; " +
                         $"passed after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Groups, topLevel.Count); // no group lost
        // Not yet exactly once: a group whose post Slack accepted just before the kill, before its ts was stored,
        // is posted again by the survivor (issue 12 item 5 closes that window). Only a group a held can be one.
        Assert.All(duplicated, group => Assert.Contains(group, inFlightAtKill));
        Assert.All(topLevel.Keys, group => Assert.Contains(updates, u => (u.RequestMessage.Body ?? "").Contains(group, StringComparison.Ordinal)));
        Assert.Empty(postsAfterResolve);
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

    /// <summary>chat.postMessage calls without thread_ts (the group's own message), counted per group.</summary>
    private static Dictionary<string, int> TopLevelPostsPerGroup(WireMockServer slack) =>
        StandIns.SlackPosts(slack)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body ?? "{}"))
            .Where(body => body?["thread_ts"] is null)
            .Select(body => GroupOf(body!.ToJsonString()))
            .OfType<string>()
            .GroupBy(group => group)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The captured Alertmanager body, made into group <paramref name="i"/> (its own alertname, groupKey and fingerprint).</summary>
    private static byte[] Body(int i, bool resolved)
    {
        var body = JsonNode.Parse(SharedFixtures.Read(Capture))!.AsObject();
        var name = Group(i);
        var status = resolved ? "resolved" : "firing";
        body["status"] = status;
        body["groupKey"] = $"{{}}:{{alertname=\"{name}\"}}";
        body["groupLabels"] = new JsonObject { ["alertname"] = name };
        body["commonLabels"]!["alertname"] = name;
        var alerts = body["alerts"]!.AsArray();
        while (alerts.Count > 1)
            alerts.RemoveAt(alerts.Count - 1);
        var alert = alerts[0]!.AsObject();
        alert["status"] = status;
        alert["labels"]!["alertname"] = name;
        alert["fingerprint"] = $"e2e0000000{i:x6}";
        if (resolved)
            alert["endsAt"] = "2026-11-23T18:30:00Z";
        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }

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
