using AlertLinker.Storage;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Tests.Storage;

public sealed class SqliteAlertStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task AcceptedNotificationIsDueAtOnceAndReadsBackUnchanged()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var sent = TestNotifications.Create(fingerprints: ["f1", "f2"]);

        var result = await store.AcceptAsync(sent, CancellationToken.None);

        Assert.NotNull(result.NotificationId);
        Assert.Equal(2, result.Accepted);
        Assert.Equal(0, result.Duplicates);
        var due = Assert.Single(await store.GetDueAsync(10, CancellationToken.None));
        Assert.Equal(result.NotificationId, due.Id);
        Assert.Equal(0, due.Attempts);
        var read = due.Notification;
        Assert.Equal(sent.Source, read.Source);
        Assert.Equal(sent.GroupKey, read.GroupKey);
        Assert.Equal(sent.Status, read.Status);
        Assert.Equal(sent.ReceivedAt, read.ReceivedAt);
        Assert.Equal(sent.ExternalUrl, read.ExternalUrl);
        Assert.Equal(sent.CommonLabels, read.CommonLabels);
        Assert.Equal(2, read.Alerts.Count);
        var (before, after) = (sent.Alerts[1], read.Alerts[1]);
        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.Equal(before.Labels, after.Labels);
        Assert.Equal(before.Annotations, after.Annotations);
        Assert.Equal(before.StartsAt, after.StartsAt);
        Assert.Null(after.EndsAt);
        Assert.Equal(before.GeneratorUrl, after.GeneratorUrl);
        Assert.Equal(before.Links, after.Links);
        Assert.Equal(sent.DedupeKeys(), read.DedupeKeys());
    }

    [Fact]
    public async Task TheSameNotificationAcceptedTwiceIsStoredOnceAndReportedAsDuplicates()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var notification = TestNotifications.Create(fingerprints: ["f1", "f2"]);

        await store.AcceptAsync(notification, CancellationToken.None);
        var again = await store.AcceptAsync(notification with { ReceivedAt = notification.ReceivedAt.AddSeconds(10) }, CancellationToken.None);

        Assert.Null(again.NotificationId);
        Assert.Equal(0, again.Accepted);
        Assert.Equal(2, again.Duplicates);
        Assert.Single(await store.GetDueAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task NotificationWithOneNewAlertIsStoredAndCountsTheOthersAsDuplicates()
    {
        using var store = _db.Open(TestNotifications.Clock());
        await store.AcceptAsync(TestNotifications.Create(fingerprints: ["f1"]), CancellationToken.None);

        var result = await store.AcceptAsync(TestNotifications.Create(fingerprints: ["f1", "f2"]), CancellationToken.None);

        Assert.NotNull(result.NotificationId);
        Assert.Equal(1, result.Accepted);
        Assert.Equal(1, result.Duplicates);
    }

    [Fact]
    public async Task ResolvedNotificationOfAFiringAlertIsNotADuplicate()
    {
        using var store = _db.Open(TestNotifications.Clock());
        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);

        var resolved = await store.AcceptAsync(TestNotifications.Create(status: AlertStatus.Resolved), CancellationToken.None);

        Assert.NotNull(resolved.NotificationId);
    }

    [Fact]
    public async Task FiftyParallelAcceptsOfTheSamePayloadStoreExactlyOne()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var notification = TestNotifications.Create(fingerprints: ["f1", "f2", "f3"]);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => store.AcceptAsync(notification, CancellationToken.None))));

        Assert.Single(results, r => r.NotificationId is not null);
        Assert.Equal(49, results.Count(r => r.NotificationId is null && r.Duplicates == 3));
        Assert.Equal(1, (await store.CountByStateAsync(CancellationToken.None))[SqliteAlertStore.Pending]);
    }

    [Fact]
    public async Task ParallelAcceptsOfDifferentPayloadsAreAllStored()
    {
        using var store = _db.Open(TestNotifications.Clock());

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => store.AcceptAsync(TestNotifications.Create(groupKey: $"group-{i}"), CancellationToken.None))));

        Assert.Equal(50, results.Select(r => r.NotificationId).Distinct().Count(id => id is not null));
        Assert.Equal(32, (await store.GetDueAsync(32, CancellationToken.None)).Count);
    }

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
            var due = Assert.Single(await restarted.GetDueAsync(10, CancellationToken.None));
            Assert.Equal(id, due.Id);
            await restarted.MarkDeliveredAsync(due.Id, CancellationToken.None);
        }

        using (var again = _db.Open(time))
        {
            Assert.Empty(await again.GetDueAsync(10, CancellationToken.None));
            var record = await again.FindAsync(id, CancellationToken.None);
            Assert.Equal(SqliteAlertStore.Delivered, record!.State);
            Assert.Equal(1, record.Attempts);
            Assert.Equal(TestNotifications.Start, record.DeliveredAt);
        }
        crashed.Dispose();
    }

    [Fact]
    public async Task DedupeKeysSurviveARestart()
    {
        var time = TestNotifications.Clock();
        using (var first = _db.Open(time))
            await first.AcceptAsync(TestNotifications.Create(), CancellationToken.None);

        using var second = _db.Open(time);
        var retry = await second.AcceptAsync(TestNotifications.Create(), CancellationToken.None);

        Assert.Null(retry.NotificationId);
    }

    [Fact]
    public async Task FailedAttemptWithARetryTimeIsHiddenUntilThatTime()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var id = (await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;

        await store.MarkFailedAsync(id, "slack: 503", time.GetUtcNow().AddSeconds(30), CancellationToken.None);

        Assert.Empty(await store.GetDueAsync(10, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await store.GetDueAsync(10, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(1));
        var due = Assert.Single(await store.GetDueAsync(10, CancellationToken.None));
        Assert.Equal(1, due.Attempts);
        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(SqliteAlertStore.Pending, record!.State);
        Assert.Equal("slack: 503", record.LastError);
    }

    [Fact]
    public async Task FailedAttemptWithoutARetryTimeStaysVisibleAsFailedAndIsNeverDue()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var id = (await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;

        await store.MarkFailedAsync(id, "slack: channel_not_found", retryAt: null, CancellationToken.None);
        time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(await store.GetDueAsync(10, CancellationToken.None));
        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(SqliteAlertStore.Failed, record!.State);
        Assert.Equal("slack: channel_not_found", record.LastError);
        Assert.Equal(1, record.Attempts);
        Assert.Null(record.NextAttemptAt);
    }

    [Fact]
    public async Task LaterNotificationOfAGroupWaitsWhileAnEarlierOneIsPending()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var firing = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g"), CancellationToken.None)).NotificationId!.Value;
        var resolved = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g", status: AlertStatus.Resolved), CancellationToken.None)).NotificationId!.Value;
        var other = (await store.AcceptAsync(TestNotifications.Create(groupKey: "other"), CancellationToken.None)).NotificationId!.Value;

        Assert.Equal([firing, other], (await store.GetDueAsync(10, CancellationToken.None)).Select(n => n.Id));

        // The earlier one backs off: the later one still waits for it.
        await store.MarkFailedAsync(firing, "timeout", time.GetUtcNow().AddMinutes(1), CancellationToken.None);
        Assert.Equal([other], (await store.GetDueAsync(10, CancellationToken.None)).Select(n => n.Id));

        await store.MarkDeliveredAsync(firing, CancellationToken.None);
        Assert.Equal([resolved, other], (await store.GetDueAsync(10, CancellationToken.None)).Select(n => n.Id));
    }

    [Fact]
    public async Task NotificationThatFailedForGoodNoLongerHoldsUpItsGroup()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var first = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g"), CancellationToken.None)).NotificationId!.Value;
        var second = (await store.AcceptAsync(TestNotifications.Create(groupKey: "g", status: AlertStatus.Resolved), CancellationToken.None)).NotificationId!.Value;

        await store.MarkFailedAsync(first, "invalid_blocks", retryAt: null, CancellationToken.None);

        Assert.Equal([second], (await store.GetDueAsync(10, CancellationToken.None)).Select(n => n.Id));
    }

    [Fact]
    public async Task GetDueHonoursItsLimitOldestFirst()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add((await store.AcceptAsync(TestNotifications.Create(groupKey: $"g{i}"), CancellationToken.None)).NotificationId!.Value);

        Assert.Equal(ids.Take(3), (await store.GetDueAsync(3, CancellationToken.None)).Select(n => n.Id));
    }

    [Fact]
    public async Task MarkingADeliveredNotificationFailedChangesNothing()
    {
        using var store = _db.Open(TestNotifications.Clock());
        var id = (await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)).NotificationId!.Value;
        await store.MarkDeliveredAsync(id, CancellationToken.None);

        await store.MarkFailedAsync(id, "late", DateTimeOffset.UnixEpoch, CancellationToken.None);

        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(SqliteAlertStore.Delivered, record!.State);
        Assert.Null(record.LastError);
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

        Assert.Empty(await store.GetDueAsync(10, CancellationToken.None));
        var record = await store.FindAsync(broken, CancellationToken.None);
        Assert.Equal(SqliteAlertStore.Failed, record!.State);
        Assert.StartsWith("stored payload is unreadable", record.LastError);
        Assert.Equal([next], (await store.GetDueAsync(10, CancellationToken.None)).Select(n => n.Id));
    }

    [Fact]
    public async Task PruneForgetsOldDedupeKeysAndFinishedNotificationsButNeverPendingWork()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time, configure: o =>
        {
            o.DedupeRetention = TimeSpan.FromDays(7);
            o.DeliveredRetention = TimeSpan.FromDays(1);
            o.FailedRetention = TimeSpan.FromDays(3);
        });
        var delivered = (await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered"), CancellationToken.None)).NotificationId!.Value;
        var failed = (await store.AcceptAsync(TestNotifications.Create(groupKey: "failed"), CancellationToken.None)).NotificationId!.Value;
        var pending = (await store.AcceptAsync(TestNotifications.Create(groupKey: "pending"), CancellationToken.None)).NotificationId!.Value;
        await store.MarkDeliveredAsync(delivered, CancellationToken.None);
        await store.MarkFailedAsync(failed, "nope", retryAt: null, CancellationToken.None);

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(new PruneResult(0, 0, 0), await store.PruneAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2)); // delivered one is past its retention
        Assert.Equal(new PruneResult(0, 1, 0), await store.PruneAsync(CancellationToken.None));
        Assert.Null(await store.FindAsync(delivered, CancellationToken.None));

        time.Advance(TimeSpan.FromDays(2)); // failed one too
        Assert.Equal(new PruneResult(0, 0, 1), await store.PruneAsync(CancellationToken.None));

        // Within the dedupe retention a retry is still recognised…
        Assert.Null((await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered"), CancellationToken.None)).NotificationId);
        time.Advance(TimeSpan.FromDays(4)); // …after it, the keys are gone.
        Assert.Equal(new PruneResult(3, 0, 0), await store.PruneAsync(CancellationToken.None));
        Assert.NotNull((await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered"), CancellationToken.None)).NotificationId);

        Assert.Equal(SqliteAlertStore.Pending, (await store.FindAsync(pending, CancellationToken.None))!.State);
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
    public async Task AcceptWakesTheDeliverySignalOnlyWhenSomethingWasStored()
    {
        var time = TestNotifications.Clock();
        var signal = new DeliverySignal();
        using var store = _db.Open(time, signal);

        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        Assert.True(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);

        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None); // duplicate
        Assert.False(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);
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
}
