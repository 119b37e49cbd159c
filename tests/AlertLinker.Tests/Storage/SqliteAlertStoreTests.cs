using AlertLinker.Storage;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Tests.Storage;

/// <summary>What the SQLite store does beyond the contract (<see cref="SqliteAlertStoreContractTests"/>): the file, its schema, crashes.</summary>
public sealed class SqliteAlertStoreTests : IDisposable
{
    private const string Worker = "worker-a";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task PendingNotificationSurvivesACrashAndIsDeliveredOnce()
    {
        var time = TestNotifications.Clock();
        long id;
        // The first process accepts and dies before delivering: it is never disposed, so its WAL is left as a
        // crash would leave it (the file is not checkpointed).
        var crashed = _db.Open(time);
        id = (await crashed.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;
        Assert.True(File.Exists(_db.Path + "-wal"));

        using (var restarted = _db.Open(time))
        {
            var due = Assert.Single(await restarted.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
            Assert.Equal(id, due.Id);
            await restarted.MarkDeliveredAsync(due.Id, Worker, CancellationToken.None);
        }

        using (var again = _db.Open(time))
        {
            Assert.Empty(await again.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
            var record = await again.FindAsync(id, CancellationToken.None);
            Assert.Equal(NotificationState.Delivered, record!.State);
            Assert.Equal(1, record.Attempts);
            Assert.Equal(TestNotifications.Start, record.DeliveredAt);
        }
        crashed.Dispose();
    }

    [Fact]
    public async Task UnreadablePayloadIsFailedVisiblyInsteadOfBlockingItsGroup()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var broken = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g"), CancellationToken.None)).NotificationId!.Value;
        var next = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g", status: AlertStatus.Resolved), CancellationToken.None)).NotificationId!.Value;
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = $"UPDATE notifications SET payload = '{{not json' WHERE id = {broken}";
            command.ExecuteNonQuery();
        }

        Assert.Empty(await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
        var record = await store.FindAsync(broken, CancellationToken.None);
        Assert.Equal(NotificationState.Failed, record!.State);
        Assert.StartsWith("stored payload is unreadable", record.LastError);
        Assert.Equal([next], (await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None)).Select(n => n.Id));
    }

    [Fact]
    public async Task PruneDeletesMoreRowsThanOneChunk()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        // Bulk rows straight into the file: 1200 accepts through the store would mean 2400 fsyncs.
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var transaction = raw.BeginTransaction();
            using var command = raw.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
                INSERT INTO dedupe_keys (key, seen_at) SELECT 'key-' || i, $now FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
                INSERT INTO notifications (source, group_key, status, payload, received_at, state, attempts, delivered_at)
                SELECT 'alertmanager', 'g' || i, 'Firing', '{}', $now, 'delivered', 1, $now FROM n;
                """;
            command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        time.Advance(TimeSpan.FromDays(8));

        Assert.Equal(new PruneResult(1200, 1200, 0), await store.PruneAsync(CancellationToken.None));
        Assert.Equal(new PruneResult(0, 0, 0), await store.PruneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NewDatabaseIsInWalModeAtTheLatestSchemaVersion()
    {
        using (var store = _db.Open(TestNotifications.Clock()))
            Assert.True(await store.PingAsync(CancellationToken.None));

        using var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT group_concat(version) FROM schema_version";
        Assert.Equal(string.Join(',', Enumerable.Range(1, SqliteAlertStore.LatestSchemaVersion)), command.ExecuteScalar());
    }

    [Fact]
    public async Task ReopeningAnExistingDatabaseDoesNotMigrateItAgain()
    {
        using (_db.Open(TestNotifications.Clock()))
        {
        }

        using var reopened = _db.Open(TestNotifications.Clock());

        Assert.True(await reopened.PingAsync(CancellationToken.None));
        using var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT count(*) FROM schema_version";
        Assert.Equal((long)SqliteAlertStore.LatestSchemaVersion, command.ExecuteScalar());
    }

    [Fact]
    public async Task DatabaseFromBeforeClaimsIsMigratedAndItsPendingWorkIsClaimable()
    {
        var time = TestNotifications.Clock();
        long id;
        using (var store = _db.Open(time))
            id = (await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            // Back to schema version 2, as the previous release left it.
            command.CommandText = """
                DROP INDEX ix_notifications_leased;
                ALTER TABLE notifications DROP COLUMN claim_owner;
                ALTER TABLE notifications DROP COLUMN lease_until;
                ALTER TABLE slack_messages DROP COLUMN detail_ts;
                DROP TRIGGER tr_notifications_forget_sinks;
                DROP TABLE sink_deliveries;
                DROP TABLE slack_post_intents;
                DROP TABLE slack_storms;
                DROP TABLE slack_storm_members;
                DROP TABLE slack_storm_alone;
                DROP TABLE dedupe_seen;
                DELETE FROM schema_version WHERE version >= 3;
                """;
            command.ExecuteNonQuery();
        }

        using var migrated = _db.Open(time);

        Assert.True(await migrated.PingAsync(CancellationToken.None));
        Assert.Equal(id, Assert.Single(await migrated.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None)).Id);
    }

    [Fact]
    public void ClaimWalksThePendingIndexGroupByGroupInsteadOfSortingEveryPendingRow()
    {
        var plan = QueryPlan(SqliteAlertStore.ClaimSql);

        // Every read of notifications is a seek on the partial index of pending rows or on the primary key: a backlog
        // of thousands in one group costs one seek, not a pass over every pending row (which took 42 ms per claim at
        // 20 000 rows and made the worker's claims starve the accept path).
        var reads = plan.Where(line => line.StartsWith("SEARCH", StringComparison.Ordinal) || line.StartsWith("SCAN", StringComparison.Ordinal))
            .Where(line => !line.Contains("src", StringComparison.Ordinal) && !line.Contains("grp", StringComparison.Ordinal) && !line.Contains("head", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, line => Assert.True(
            line.StartsWith("SEARCH", StringComparison.Ordinal) &&
            (line.Contains("INDEX ix_notifications_group_pending", StringComparison.Ordinal) || line.Contains("INTEGER PRIMARY KEY", StringComparison.Ordinal)),
            $"claim plan step '{line}' is not a seek on the pending index or the key (plan: {string.Join(" | ", plan)})"));
        // One sort only: the heads found, by id. The old plan sorted the pending rows in three places.
        Assert.Single(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public void CountingTheBacklogForMetricsReadsIndexesAndOnlyTheRowsInFlight()
    {
        var plan = QueryPlan(SqliteAlertStore.CountSql, ("$now", 0));

        // The count runs under the store's gate at every scrape. Looking up each pending row (a page each, with its
        // payload) took 92 ms at a 60 000 backlog, and no accept could commit meanwhile.
        // Four reads: the pending range once (its count and its oldest id), the leased rows, the failed range, one key.
        var reads = plan.Where(line => line.Contains("notifications", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, reads.Count);
        Assert.All(reads, line => Assert.True(
            line.Contains("COVERING INDEX", StringComparison.Ordinal) ||
            line.Contains("INDEX ix_notifications_leased", StringComparison.Ordinal) ||
            line.Contains("INTEGER PRIMARY KEY", StringComparison.Ordinal),
            $"count plan step '{line}' reads pending rows from the table (plan: {string.Join(" | ", plan)})"));
    }

    [Fact]
    public async Task ClaimTakesTheHeadOfEveryGroupOfEverySourceOldestFirst()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var ids = new Dictionary<(string Source, string Group), List<long>>();
        var n = 0;
        // Interleaved arrival over three sources and groups whose keys sort differently from their arrival.
        foreach (var round in Enumerable.Range(0, 3))
        {
            foreach (var (source, group) in new[] { ("grafana", "b"), ("alertmanager", "z"), ("alertmanager", "a"), ("pagerduty", "a"), ("grafana", "a") })
            {
                var notification = TestNotifications.Create(groupKey: group, fingerprints: [$"{++n:x16}"]) with { Source = source };
                var id = (await store.AcceptAsync(notification, CancellationToken.None)).NotificationId!.Value;
                ids.TryAdd((source, group), []);
                ids[(source, group)].Add(id);
            }
        }

        var first = await store.ClaimDueAsync(Worker, 3, Lease, CancellationToken.None);
        var rest = await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None);

        var heads = ids.Values.Select(list => list[0]).Order().ToList();
        Assert.Equal(heads.Take(3), first.Select(c => c.Id));
        Assert.Equal(heads.Skip(3), rest.Select(c => c.Id));
        // Every head is in flight now: nothing behind them is claimable until they are settled.
        Assert.Empty(await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
        await store.MarkDeliveredAsync(ids[("alertmanager", "z")][0], Worker, CancellationToken.None);
        Assert.Equal(ids[("alertmanager", "z")][1], Assert.Single(await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task TwoStoresOnOneFileNeverClaimTheSameNotification()
    {
        var time = TestNotifications.Clock();
        using var first = _db.Open(time);
        using var second = _db.Open(time);
        for (var i = 0; i < 30; i++)
            await first.AcceptAsync(TestNotifications.Create(groupKey: $"g{i}"), CancellationToken.None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).ClaimDueAsync($"owner-{i}", 6, Lease, CancellationToken.None))));

        var ids = claims.SelectMany(c => c).Select(c => c.Id).ToList();
        Assert.Equal(30, ids.Count);
        Assert.Equal(30, ids.Distinct().Count());
    }

    [Fact]
    public async Task EachNewDedupeKeyIsOneRowAppendedToTheDedupeLog()
    {
        using (var store = _db.Open(TestNotifications.Clock()))
        {
            await store.AcceptAsync(TestNotifications.Create(fingerprints: ["f3", "a1", "c2"]), CancellationToken.None);
            await store.AcceptAsync(TestNotifications.Create(fingerprints: ["a1", "b9"]), CancellationToken.None);
        }

        using var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT group_concat(hex(key_hash), ','), (SELECT count(*) FROM dedupe_keys) FROM (SELECT key_hash FROM dedupe_seen ORDER BY id)";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        // Four keys, 16 bytes each, in arrival order; the repeated a1 wrote nothing; the old table is not written.
        var expected = new[] { "f3", "a1", "c2", "b9" }
            .Select(fingerprint => TestNotifications.Create(fingerprints: [fingerprint]).DedupeKeys().Single())
            .Select(key => Convert.ToHexString(SqliteSeenKeys.Hash(key).ToBlob()));
        Assert.Equal(string.Join(',', expected), reader.GetString(0));
        Assert.Equal(0, reader.GetInt64(1));
    }

    [Fact]
    public async Task DedupeKeysStoredByAVersionBeforeTheDedupeLogStillRecogniseRetries()
    {
        var time = TestNotifications.Clock();
        using (_db.Open(time))
        {
        }
        var earlier = TestNotifications.Create(fingerprints: ["0123456789abcdef", "fedcba9876543210"]);
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            // As a version before schema 9 stored them: the keys themselves, in dedupe_keys.
            command.CommandText = "INSERT INTO dedupe_keys (key, seen_at) VALUES ($first, $now), ($second, $now)";
            var keys = earlier.DedupeKeys().ToList();
            command.Parameters.AddWithValue("$first", keys[0]);
            command.Parameters.AddWithValue("$second", keys[1]);
            command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }

        using var store = _db.Open(time);
        var retry = await store.AcceptAsync(earlier, CancellationToken.None);

        Assert.Equal(new AcceptResult(null, 0, 2), retry);
        // They are pruned from the old table when their time comes.
        time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(new PruneResult(2, 0, 0), await store.PruneAsync(CancellationToken.None));
        Assert.NotNull((await store.AcceptAsync(earlier, CancellationToken.None)).NotificationId);
    }

    [Fact]
    public async Task AnAlertThatAnotherStoreOnTheFileAcceptedIsADuplicateHere()
    {
        var time = TestNotifications.Clock();
        using var first = _db.Open(time);
        using var second = _db.Open(time);
        // The second store has read the file once already, so what follows it learns from the rows added since.
        await second.AcceptAsync(TestNotifications.Create(fingerprints: ["second-only"]), CancellationToken.None);
        var stored = await first.AcceptAsync(TestNotifications.Create(fingerprints: ["both", "first-only"]), CancellationToken.None);

        var again = await second.AcceptAsync(TestNotifications.Create(fingerprints: ["both", "first-only", "new"]), CancellationToken.None);
        var back = await first.AcceptAsync(TestNotifications.Create(fingerprints: ["second-only"]), CancellationToken.None);

        Assert.NotNull(stored.NotificationId);
        Assert.Equal((1, 2), (again.Accepted, again.Duplicates));
        Assert.Equal(new AcceptResult(null, 0, 1), back);
    }

    [Fact]
    public void DatabaseFromANewerVersionIsRefusedWithAMessage()
    {
        using (_db.Open(TestNotifications.Clock()))
        {
        }
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (999, 0)";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidOperationException>(() => _db.Open(TestNotifications.Clock()));

        Assert.Contains("schema version 999", error.Message);
        Assert.Contains("AlertLinker:Storage:Path", error.Message);
    }

    [Fact]
    public void MissingFoldersOfThePathAreCreated()
    {
        var path = Path.Combine(_db.Folder, "nested", "deeper", "alerts.db");

        using var store = _db.Open(TestNotifications.Clock(), configure: o => o.Path = path);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void FolderThatCannotBeCreatedFailsWithAMessageNamingTheSetting()
    {
        var blocker = Path.Combine(_db.Folder, "a-file");
        File.WriteAllText(blocker, "not a folder");

        var error = Assert.Throws<InvalidOperationException>(
            () => _db.Open(TestNotifications.Clock(), configure: o => o.Path = Path.Combine(blocker, "sub", "alerts.db")));

        Assert.Contains("AlertLinker:Storage:Path", error.Message);
        Assert.Contains("cannot create the folder", error.Message);
        Assert.Contains(Path.Combine(blocker, "sub"), error.Message);
    }

    [Fact]
    public async Task AcceptThatCannotBeWrittenThrowsSoTheEndpointAnswers5xx()
    {
        var store = _db.Open(TestNotifications.Clock());
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AcceptAsync(TestNotifications.Create(), CancellationToken.None));
    }

    [Fact]
    public async Task FailedAcceptThrowsAndLeavesNoDedupeKeysBehind()
    {
        using (_db.Open(TestNotifications.Clock()))
        {
        }
        using var store = _db.Open(TestNotifications.Clock());
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            // A trigger that aborts every insert stands in for a full or failing disk.
            command.CommandText = "CREATE TRIGGER fail_insert BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'disk full'); END";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<SqliteException>(() => store.AcceptAsync(TestNotifications.Create(), CancellationToken.None));

        Assert.Contains("disk full", error.Message);
        using (var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "DROP TRIGGER fail_insert";
            command.ExecuteNonQuery();
        }
        // The dedupe keys of the failed accept were rolled back with it: the sender's retry is stored.
        Assert.NotNull((await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId);
    }

    [Fact]
    public async Task PingIsFalseOnceTheStoreIsDisposed()
    {
        var store = _db.Open(TestNotifications.Clock());
        Assert.True(await store.PingAsync(CancellationToken.None));

        store.Dispose();

        Assert.False(await store.PingAsync(CancellationToken.None));
    }

    /// <summary>SQLite's plan for <paramref name="sql"/> on a freshly migrated store file, one line per step.</summary>
    private List<string> QueryPlan(string sql, params (string Name, object Value)[] parameters)
    {
        using (_db.Open(TestNotifications.Clock()))
        {
        }
        using var raw = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            plan.Add(reader.GetString(3));
        return plan;
    }
}
