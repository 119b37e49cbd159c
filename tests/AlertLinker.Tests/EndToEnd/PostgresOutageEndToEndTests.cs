using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.Storage.Postgres;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// The real service on PostgreSQL, the database gone for a while in the middle of an alert storm (every connection
/// dropped and new ones refused, as a dead server or a partition looks): webhooks answer 503 problem+json meanwhile
/// (Alertmanager retries those), the worker backs off, and when the database is back everything accepted is delivered
/// once — each group in Slack exactly once, one storm digest.
/// <para>
/// The outage is the 30 s: it outlasts the command time-out (2 s here), many polls and backoffs (capped at 5 s)
/// and spans digest edits, while a delivered notification's outcome is retried for up to two leases (60 s by default).
/// The storm window is longer than the outage, so the groups delivered after it still belong to the one storm.
/// </para>
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PostgresOutageEndToEndTests(ITestOutputHelper output)
{
    private const string Channel = "C0E2ETEST";
    private const int Before = 24;
    private const int During = 8;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [PostgresEndToEndFact]
    public async Task ADatabaseOutageDuringAStormLosesNothingAndPostsNothingTwice()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var postgres = new PostgresServer();
        var database = postgres.Database(GetType());
        using var proxy = new CuttableProxy(postgres.Port);
        using var slack = StandIns.StartLoopback();
        StandIns.SlackWorkspace(slack, TimeSpan.FromMilliseconds(100));
        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        var direct = postgres.ConnectionString(database);
        var settings = ServiceSettings.OnPostgres(
            new Npgsql.NpgsqlConnectionStringBuilder(direct) { Port = proxy.Port, Timeout = 2 }.ConnectionString, bearer, slack, Channel, new Dictionary<string, string>
            {
                ["Storage:CommandTimeout"] = "00:00:02",
                ["Slack:StormThreshold"] = "5",
                // The storm outlasts the 30 s outage: one storm, so one digest (with the default 30 s window the
                // groups delivered after the outage rightly start a second storm, which this test is not about).
                ["Slack:StormWindow"] = "00:02:00",
                ["Slack:StormDigestInterval"] = "00:00:01",
                ["Delivery:InitialBackoff"] = "00:00:01",
            });
        await using var service = await AlertLinkerProcess.StartAsync("alertlinker-outage", settings, ct);
        string Diagnostics() => service.Describe() + "\n" + StandIns.Describe("slack", slack);

        // 1. A storm: more new groups than the threshold within its window.
        for (var i = 0; i < Before; i++)
            Assert.Equal(HttpStatusCode.Accepted, await SendAsync(service, http, bearer, i, ct));
        await BoundedWait.UntilAsync("the storm digest in the channel", TimeSpan.FromSeconds(30),
            async token => (await StandIns.SlackHistoryAsync(slack, Channel, token)).Any(IsDigest), Diagnostics, ct);

        // 2. The database goes away mid-storm. New groups meanwhile are refused with 503 problem+json; Alertmanager
        //    keeps them and sends them again later.
        proxy.Cut();
        var outageStarted = clock.Elapsed;
        var refused = new List<int>();
        for (var i = Before; i < Before + During; i++)
        {
            using var answer = await service.PostAlertmanagerAsync(http, GroupBodies.Body(Group(i), i), bearer, ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            refused.Add(i);
        }
        var left = Outage - (clock.Elapsed - outageStarted);
        if (left > TimeSpan.Zero)
            await Task.Delay(left, ct);
        proxy.Restore();
        output.WriteLine($"database cut for {(clock.Elapsed - outageStarted).TotalSeconds:0.0} s at {outageStarted.TotalSeconds:0.0} s; {refused.Count} webhooks refused with 503");

        // 3. Alertmanager's retries of what was refused, now accepted.
        foreach (var i in refused)
            Assert.Equal(HttpStatusCode.Accepted, await SendAsync(service, http, bearer, i, ct));
        const int groups = Before + During;
        await BoundedWait.UntilAsync("every notification delivered", TimeSpan.FromSeconds(60),
            _ => Task.FromResult(Count(direct, "state = 'delivered'") == groups), Diagnostics, ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        // Nothing lost, nothing stored twice, nothing failed.
        Assert.Equal(groups, Count(direct, "true"));
        Assert.Equal(0, Count(direct, "state <> 'delivered'"));
        // One storm digest; no group with two messages of its own.
        var history = await StandIns.SlackHistoryAsync(slack, Channel, ct);
        Assert.Single(history, IsDigest);
        var own = history.Where(m => !IsDigest(m)).Select(m => GroupIn(m.GetRawText())).ToList();
        Assert.Equal(own.Count, own.Distinct().Count());
        // Every other group is named exactly once in the digest's thread (a batched line or its full message).
        var digestTs = history.Single(IsDigest).GetProperty("ts").GetString();
        var inThread = StandIns.SlackPosts(slack)
            .Select(e => JsonDocument.Parse(e.RequestMessage.Body ?? "{}").RootElement)
            .Where(b => b.TryGetProperty("thread_ts", out var t) && t.GetString() == digestTs)
            .Select(b => string.Join('\n', StandIns.StringsOf(b.GetRawText())))
            .Where(text => !text.Contains("Storm digest, continued", StringComparison.Ordinal))
            .ToList();
        for (var i = 0; i < groups; i++)
        {
            // Its own line of a batched reply ("• 🔥 *name* · api · 1 alert"), or its full message ("FIRING: name");
            // other lines may point at it ("— like *name* above"), which is not the group itself.
            var threadPosts = inThread.Count(text => text.Contains($"*{Group(i)}* ·", StringComparison.Ordinal)
                                                     || text.Contains($"FIRING: {Group(i)}\n", StringComparison.Ordinal));
            var ownPosts = own.Count(g => g == Group(i));
            Assert.True(ownPosts + threadPosts == 1, $"{Group(i)}: {ownPosts} own message(s), named in {threadPosts} thread post(s)\n{Diagnostics()}");
        }
        Assert.Contains("trying again in", service.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, service.Describe(), StringComparison.Ordinal);
        output.WriteLine($"{groups} groups: {own.Count} own messages, the rest in one digest's thread; passed after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static string Group(int i) => $"E2EOutageGroup{i:00}";

    private static string? GroupIn(string text)
    {
        for (var i = 0; i < Before + During; i++)
            if (text.Contains(Group(i), StringComparison.Ordinal))
                return Group(i);
        return null;
    }

    private static bool IsDigest(JsonElement message) =>
        message.GetProperty("text").GetString()?.Contains("Alert storm", StringComparison.Ordinal) == true;

    private static async Task<HttpStatusCode> SendAsync(AlertLinkerProcess service, HttpClient http, string bearer, int i, CancellationToken ct)
    {
        using var answer = await service.PostAlertmanagerAsync(http, GroupBodies.Body(Group(i), i), bearer, ct);
        return answer.StatusCode;
    }

    private static long Count(string connectionString, string condition) =>
        (long)PostgresServer.Scalar(connectionString, $"SELECT count(*) FROM notifications WHERE {condition}")!;
}
