using System.Collections.Concurrent;
using AlertLinker.Slack;
using AlertLinker.Storage;
using AlertLinker.Storage.Postgres;
using Npgsql;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>What only a shared database has to get right: several replicas (store instances, each with its own pool) on one schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReplicaTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly PostgresServer _server;
    private readonly List<IDisposable> _opened = [];
    private readonly Lazy<PostgresTestDatabase> _db;

    public PostgresReplicaTests(PostgresServer server)
    {
        _server = server;
        _db = new(() => new PostgresTestDatabase(server, typeof(PostgresReplicaTests)));
    }

    public void Dispose()
    {
        foreach (var store in _opened)
            store.Dispose();
    }

    private PostgresAlertStore Replica(TimeProvider time, Action<PostgresStorageOptions>? configure = null)
    {
        var store = _db.Value.Open(time, configure: configure);
        _opened.Add(store);
        return store;
    }

    [PostgresFact]
    public async Task TwoReplicasAcceptingTheSameNotificationAtOnceStoreItOnceAndBothAnswer()
    {
        var time = TestNotifications.Clock();
        var (a, b) = (Replica(time), Replica(time));
        var notification = TestNotifications.Create(fingerprints: ["f1", "f2", "f3"]);

        // An Alertmanager HA pair, each peer retrying: 20 copies at each replica, all at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AcceptAsync(notification, CancellationToken.None))));

        var stored = Assert.Single(results, r => r.NotificationId is not null);
        Assert.Equal(3, stored.Accepted);
        Assert.All(results.Where(r => r.NotificationId is null), r => Assert.Equal(new AcceptResult(null, 0, 3), r));
        Assert.Equal(1L, _db.Value.Scalar("SELECT count(*) FROM notifications"));
        Assert.Equal(3L, _db.Value.Scalar("SELECT count(*) FROM dedupe_keys"));
    }

    [PostgresFact]
    public async Task TwoReplicasClaimingAtOnceNeverGetTheSameRowAndKeepEachGroupInOrderOneAtATime()
    {
        var time = TimeProvider.System;
        var (a, b) = (Replica(time), Replica(time));
        // 60 groups of 3 notifications (firing, resolved, firing again): 180 rows.
        var byGroup = new Dictionary<string, List<long>>();
        for (var round = 0; round < 3; round++)
        {
            for (var g = 0; g < 60; g++)
            {
                var status = round == 1 ? AlertStatus.Resolved : AlertStatus.Firing;
                var accepted = await (g % 2 == 0 ? a : b).AcceptAsync(
                    TestNotifications.Create(groupKey: $"group-{g}", status: status, fingerprints: [$"fp-{g}-{round}"]), CancellationToken.None);
                if (!byGroup.TryGetValue($"group-{g}", out var ids))
                    byGroup[$"group-{g}"] = ids = [];
                ids.Add(accepted.NotificationId!.Value);
            }
        }

        var inFlight = new ConcurrentDictionary<string, long>();
        var claimedBy = new ConcurrentDictionary<long, string>();
        var deliveredInOrder = new ConcurrentQueue<long>();
        var overlaps = new ConcurrentBag<string>();
        // Each replica holds its first claim until the other has claimed too, so the two really compete for the rows.
        // Without this, a loaded machine could start one drain late and let the other take all 180 alone.
        var firstClaim = new Dictionary<string, TaskCompletionSource>
        {
            ["replica-a"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["replica-b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };

        async Task Drain(PostgresAlertStore store, string owner, string other)
        {
            var idle = 0;
            while (idle < 20)
            {
                var claimed = await store.ClaimDueAsync(owner, 4, Lease, CancellationToken.None);
                if (claimed.Count == 0)
                {
                    idle++;
                    await Task.Delay(10);
                    continue;
                }
                idle = 0;
                foreach (var item in claimed)
                {
                    if (!claimedBy.TryAdd(item.Id, owner))
                        overlaps.Add($"{item.Id} claimed by {claimedBy[item.Id]} and {owner}");
                    if (!inFlight.TryAdd(item.Notification.GroupKey, item.Id))
                        overlaps.Add($"{item.Notification.GroupKey}: {item.Id} claimed while {inFlight[item.Notification.GroupKey]} in flight");
                }
                if (firstClaim[owner].TrySetResult())
                    await firstClaim[other].Task.WaitAsync(TimeSpan.FromSeconds(30));
                foreach (var item in claimed)
                {
                    // Out of the in-flight set before the commit that lets the group's next notification be claimed.
                    inFlight.TryRemove(item.Notification.GroupKey, out _);
                    deliveredInOrder.Enqueue(item.Id);
                    Assert.True(await store.MarkDeliveredAsync(item.Id, owner, CancellationToken.None));
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Drain(a, "replica-a", "replica-b")), Task.Run(() => Drain(b, "replica-b", "replica-a")));

        Assert.Empty(overlaps);
        Assert.Equal(180, claimedBy.Count);
        Assert.Contains("replica-a", claimedBy.Values);
        Assert.Contains("replica-b", claimedBy.Values);
        var position = deliveredInOrder.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        Assert.All(byGroup.Values, ids => Assert.Equal(ids, ids.OrderBy(id => position[id])));
        Assert.Equal(0, (await a.CountAsync(CancellationToken.None)).Pending);
    }

    [PostgresFact]
    public async Task ALeaseThatRunsOutIsClaimedByTheOtherReplicaAndTheFirstOwnerCanNoLongerSettleIt()
    {
        var time = TestNotifications.Clock();
        var (a, b) = (Replica(time), Replica(time));
        var id = (await a.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;
        Assert.Equal([id], (await a.ClaimDueAsync("replica-a", 10, Lease, CancellationToken.None)).Select(c => c.Id));
        Assert.Empty(await b.ClaimDueAsync("replica-b", 10, Lease, CancellationToken.None));

        time.Advance(Lease); // replica-a died (kill -9) and never renewed

        var taken = Assert.Single(await b.ClaimDueAsync("replica-b", 10, Lease, CancellationToken.None));
        Assert.Equal(id, taken.Id);
        Assert.False(await a.RenewLeaseAsync(id, "replica-a", Lease, CancellationToken.None));
        Assert.False(await a.MarkDeliveredAsync(id, "replica-a", CancellationToken.None));
        Assert.True(await b.MarkDeliveredAsync(id, "replica-b", CancellationToken.None));
        Assert.Equal(NotificationState.Delivered, (await a.FindAsync(id, CancellationToken.None))!.State);
    }

    [PostgresFact]
    public async Task MigrationsStartedByFourProcessesAtOnceRunOnce()
    {
        var connectionString = _db.Value.ConnectionString;
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            using var start = new Barrier(sources.Count);
            var migrations = await Task.WhenAll(sources.Select(source => Task.Run(() =>
            {
                start.SignalAndWait();
                return PostgresSchema.Migrate(source, TimeProvider.System);
            })));

            Assert.Single(migrations, m => m.From == 0 && m.To == PostgresSchema.LatestVersion);
            Assert.Equal(3, migrations.Count(m => m.From == PostgresSchema.LatestVersion));
            Assert.Equal((long)PostgresSchema.LatestVersion, _db.Value.Scalar("SELECT count(*) FROM schema_version"));
        }
        finally
        {
            foreach (var source in sources)
                await source.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task TheMessageOneReplicaPostedIsTheOneTheOtherFindsAndEdits()
    {
        var time = TestNotifications.Clock();
        ISlackMessageStore a = Replica(time), b = Replica(time);
        var posted = new SlackMessageRecord("alertmanager", "g", "C0123", "1700000000.000100", null, AlertStatus.Firing, time.GetUtcNow());

        await a.SaveSlackMessageAsync(posted, CancellationToken.None);
        var found = await b.FindSlackMessageAsync("alertmanager", "g", "C0123", CancellationToken.None);
        await b.SaveSlackMessageAsync(found! with { Status = AlertStatus.Resolved }, CancellationToken.None);

        Assert.Equal(posted, found);
        Assert.Equal(AlertStatus.Resolved, (await a.FindSlackMessageAsync("alertmanager", "g", "C0123", CancellationToken.None))!.Status);
        // Routed elsewhere since: still the message it started with.
        Assert.Equal("1700000000.000100", (await a.FindSlackMessageAsync("alertmanager", "g", "C0999", CancellationToken.None))!.Ts);
    }

    [PostgresFact]
    public async Task TheDetailRepliesTsOneReplicaStoredIsTheOneTheOtherEdits()
    {
        var time = TestNotifications.Clock();
        ISlackMessageStore a = Replica(time), b = Replica(time);
        var posted = new SlackMessageRecord("alertmanager", "g", "C0123", "1700000000.000100", null, AlertStatus.Firing, time.GetUtcNow());

        await a.SaveSlackMessageAsync(posted with { DetailTs = "1700000000.000200" }, CancellationToken.None);

        Assert.Equal("1700000000.000200", (await b.FindSlackMessageAsync("alertmanager", "g", "C0123", CancellationToken.None))!.DetailTs);
    }

    [PostgresFact]
    public void WrongPasswordStopsStartUpNamingTheSettingAndTheDatabaseButNeverThePassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_db.Value.ConnectionString) { Password = "Wrong-Password-Not-Shown" }.ConnectionString;

        var error = Assert.Throws<InvalidOperationException>(() => Replica(TimeProvider.System, o => o.ConnectionString = wrong));

        Assert.Contains("AlertLinker:Storage:ConnectionString", error.Message);
        Assert.Contains($"127.0.0.1:{_server.Port}/{_db.Value.Database}", error.Message);
        Assert.DoesNotContain("Wrong-Password-Not-Shown", error.ToString());
    }

    [PostgresFact]
    public async Task WhenTheDatabaseIsGoneAcceptsThrowAndPingSaysNotReady()
    {
        using var proxy = new CuttableProxy(_server.Port);
        var time = TestNotifications.Clock();
        var store = Replica(time, o =>
        {
            o.ConnectionString = new NpgsqlConnectionStringBuilder(o.ConnectionString) { Port = proxy.Port }.ConnectionString;
            o.CommandTimeout = TimeSpan.FromSeconds(2);
        });
        Assert.True(await store.PingAsync(CancellationToken.None));

        proxy.Cut();

        // The webhook answers 503 when the accept throws (WebhookIntake); the sender retries.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.AcceptAsync(TestNotifications.Create(), CancellationToken.None));
        Assert.False(await store.PingAsync(CancellationToken.None));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.ClaimDueAsync("replica-a", 10, Lease, CancellationToken.None));

        proxy.Restore();
        var accepted = await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        Assert.NotNull(accepted.NotificationId);
        Assert.True(await store.PingAsync(CancellationToken.None));
    }
}

/// <summary>A fact that needs the PostgreSQL server; skipped with the reason where its binaries are absent (never under CI).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (new RequiresPostgresAttribute().Missing is { } missing)
            Skip = missing;
    }
}
