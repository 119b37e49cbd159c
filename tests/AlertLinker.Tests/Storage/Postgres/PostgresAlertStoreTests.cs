using AlertLinker.Storage.Postgres;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>What the PostgreSQL store does beyond the shared contract: how its queries read the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertStoreTests(PostgresServer server)
{
    // Lazy: a skipped test (no PostgreSQL binaries) never reaches the server.
    private readonly Lazy<PostgresTestDatabase> _db = new(() => new PostgresTestDatabase(server, typeof(PostgresAlertStoreTests)));

    private PostgresTestDatabase Db => _db.Value;

    [PostgresFact]
    public async Task CountingABacklogForMetricsReadsIndexesNotTheTable()
    {
        var time = TestNotifications.Clock();
        using var store = Db.Open(time);
        // A storm's backlog beside the delivered rows kept for retention: 3 000 delivered, then 2 000 pending, each with
        // a payload the size of a real one, 5 of the pending leased (in flight), and 1 failed.
        var start = TestNotifications.Start.ToUniversalTime();
        // Committed synchronously: the test server commits asynchronously (synchronous_commit=off), and a VACUUM right
        // after such commits left every page out of the visibility map (0 of 1 252 visible), so the planner counted
        // from the table. A production server commits these synchronously.
        Db.Scalar($"""
            SET synchronous_commit = on;
            INSERT INTO notifications (source, group_key, status, payload, received_at, state, next_attempt_at, delivered_at)
            SELECT 'alertmanager', 'group-' || (i % 50), 'Firing', repeat('x', 1700),
                   '{start:O}'::timestamptz + i * interval '1 second',
                   CASE WHEN i <= 3000 THEN 'delivered' ELSE 'pending' END,
                   CASE WHEN i > 3000 THEN '{start:O}'::timestamptz END,
                   CASE WHEN i <= 3000 THEN '{start:O}'::timestamptz END
            FROM generate_series(1, 5000) i;
            UPDATE notifications SET claim_owner = 'worker', lease_until = '{time.GetUtcNow().AddMinutes(1):O}'::timestamptz
            WHERE id IN (SELECT id FROM notifications WHERE state = 'pending' ORDER BY id LIMIT 5);
            UPDATE notifications SET state = 'failed', next_attempt_at = NULL WHERE id = (SELECT max(id) FROM notifications);
            """);
        // What autovacuum does to a table this busy: the visibility map and the statistics the planner goes by.
        Db.Scalar("VACUUM ANALYZE notifications");

        var counts = await store.CountAsync(CancellationToken.None);
        var plan = PostgresServer.Lines(Db.ConnectionString, "EXPLAIN " + PostgresAlertStore.CountSql, time.GetUtcNow().ToUniversalTime());

        // The oldest pending row is the first after the delivered ones: received 3 001 s after the start.
        Assert.Equal(new NotificationCounts(1999, 5, 1, start.AddSeconds(3001)), counts);
        // At 60 000 pending of 160 000 rows the table was read three times at every scrape (173-350 ms); by index, 9-10 ms.
        Assert.False(plan.Any(line => line.Contains("Seq Scan", StringComparison.Ordinal)),
            $"the count reads the table: {string.Join(" | ", plan.Select(line => line.Trim()))} (visible pages: {Db.Scalar("SELECT relallvisible || '/' || relpages FROM pg_class WHERE oid = 'notifications'::regclass")})");
        Assert.Contains(plan, line => line.Contains("ix_notifications_leased", StringComparison.Ordinal));
    }
}
