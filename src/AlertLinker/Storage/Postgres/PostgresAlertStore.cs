using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// <see cref="IAlertStore"/> on one PostgreSQL database shared by every replica.
/// <para>
/// Dedupe: one row per dedupe key under a primary key, inserted with <c>ON CONFLICT DO NOTHING</c> in the accept's
/// transaction. Two replicas accepting the same notification at once: the second insert waits on the first's
/// uncommitted key and then finds it, so the notification is stored once whoever wins, never check-then-insert.
/// Each accept also takes a transaction-scoped advisory lock on its group, so within a group ids are handed out in
/// commit order: a claimer can never see a later notification of a group before an earlier one is visible.
/// </para>
/// <para>
/// Claims: one <c>UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)</c>. Replicas claiming at once skip each other's
/// rows instead of waiting or double-claiming; a row claimed and committed meanwhile is re-checked against its new
/// lease and dropped. The per-group rule is the SQLite store's: only a group's oldest unfinished notification, and
/// only while none of the group is in flight.
/// </para>
/// <para>
/// Times are the store's <see cref="TimeProvider"/> (so every replica and the tests agree on one rule), stored as
/// timestamptz. Durability is the server's: a commit returns after the WAL flush (synchronous_commit on, its default).
/// </para>
/// <para>Schema migrations run in the constructor under an advisory lock: replicas starting together migrate once.</para>
/// </summary>
internal sealed partial class PostgresAlertStore : IAlertStore, IDisposable
{
    /// <summary>Rows deleted per prune statement, so pruning never holds locks long enough to slow accepts.</summary>
    private const int PruneChunk = 500;

    private readonly NpgsqlDataSource _dataSource;
    private readonly StorageOptions _retention;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresAlertStore> _logger;
    private int _disposed;

    /// <summary>Opens the pool and migrates the schema. Throws with a message naming the setting (never its value) when it cannot.</summary>
    public PostgresAlertStore(
        IOptions<PostgresStorageOptions> options, IOptions<StorageOptions> retention, TimeProvider time, ILogger<PostgresAlertStore> logger)
    {
        _retention = retention.Value;
        _time = time;
        _logger = logger;
        var postgres = options.Value;
        Where = postgres.Describe();
        // No logger factory on the data source: Npgsql's own logging stays off, so nothing it says can carry the string.
        _dataSource = NpgsqlDataSource.Create(postgres.Effective());
        try
        {
            var migration = PostgresSchema.Migrate(_dataSource, _time);
            if (migration.From < migration.To)
                LogMigrated(_logger, Where, migration.From, migration.To);
            LogReady(_logger, Where, migration.To);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _dataSource.Dispose();
            throw new InvalidOperationException(
                $"{PostgresStorageOptions.ConnectionStringKey}: cannot use the PostgreSQL database {Where}: {e.Message}. " +
                "Check that the server is reachable from here and that the user may create tables in the database.", e);
        }
        catch
        {
            _dataSource.Dispose();
            throw;
        }
    }

    /// <summary>host:port/database: where the store is, without the secret parts.</summary>
    internal string Where { get; }

    /// <summary>The pool, migrated: the action group store shares it (and the schema) rather than opening its own.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    public async Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        // Sorted: two accepts sharing keys insert them in one order (with the group lock, belt and braces against deadlock).
        var keys = notification.DedupeKeys().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var payload = JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification);
        var now = Now();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int fresh;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                new NpgsqlParameter { Value = notification.Source + "\n" + notification.GroupKey }));
            batch.BatchCommands.Add(Command(
                "INSERT INTO dedupe_keys (key, seen_at) SELECT k, $2 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, o) ORDER BY o ON CONFLICT (key) DO NOTHING",
                new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = now }));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            fresh = batch.BatchCommands[1].RecordsAffected;
        }

        long? id = null;
        var behind = false;
        if (fresh > 0)
        {
            // RETURNING's subquery sees the rows from before the insert: is an earlier one of the group pending?
            // (The group's advisory lock, held, keeps another accept of the group out meanwhile.)
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO notifications (source, group_key, status, payload, received_at, state, attempts, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6)
                RETURNING id, EXISTS (SELECT 1 FROM notifications e WHERE e.state = 'pending' AND e.source = $1 AND e.group_key = $2)
                """, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = notification.Source });
            insert.Parameters.Add(new NpgsqlParameter { Value = notification.GroupKey });
            insert.Parameters.Add(new NpgsqlParameter { Value = notification.Status.ToString() });
            insert.Parameters.Add(new NpgsqlParameter { Value = payload });
            insert.Parameters.Add(new NpgsqlParameter { Value = notification.ReceivedAt.ToUniversalTime() });
            insert.Parameters.Add(new NpgsqlParameter { Value = now });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            id = reader.GetInt64(0);
            behind = reader.GetBoolean(1);
        }
        // else: every key was seen before; the transaction commits nothing but the (released) lock.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AcceptResult(id, fresh, keys.Length - fresh, behind);
    }

    public async Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = Now();
        var until = now + lease;
        var claimed = new List<ClaimedNotification>();
        var unreadable = new List<(long Id, string Error)>();

        await using (var command = _dataSource.CreateCommand(
            """
            UPDATE notifications c SET claim_owner = $1, lease_until = $2
            FROM (
                SELECT n.id FROM notifications n
                WHERE n.state = 'pending' AND n.next_attempt_at <= $3
                  AND (n.lease_until IS NULL OR n.lease_until <= $3)
                  AND NOT EXISTS (
                      SELECT 1 FROM notifications e
                      WHERE e.state = 'pending' AND e.source = n.source AND e.group_key = n.group_key AND e.id <> n.id
                        AND (e.id < n.id OR e.lease_until > $3))
                ORDER BY n.id
                LIMIT $4
                FOR UPDATE OF n SKIP LOCKED
            ) due
            WHERE c.id = due.id
            RETURNING c.id, c.payload, c.attempts
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = owner });
            command.Parameters.Add(new NpgsqlParameter { Value = until });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            command.Parameters.Add(new NpgsqlParameter { Value = max });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                if (StoredPayload.Read(reader.GetString(1), out var problem) is { } notification)
                    claimed.Add(new ClaimedNotification(id, notification, reader.GetInt32(2), until));
                else
                    unreadable.Add((id, problem!));
            }
        }

        return await StoredPayload.SettleClaimAsync(this, owner, claimed, unreadable, (id, error) => StoreLog.Unreadable(_logger, id, error), cancellationToken)
            .ConfigureAwait(false);
    }

    public Task<bool> RenewLeaseAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET lease_until = $3 WHERE id = $1 AND state = 'pending' AND claim_owner = $2",
            id, owner, [Now() + lease], cancellationToken);

    public Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET claim_owner = NULL, lease_until = NULL WHERE id = $1 AND state = 'pending' AND claim_owner = $2",
            id, owner, [], cancellationToken);

    public Task<bool> DeferAsync(long id, string owner, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET next_attempt_at = $3, claim_owner = NULL, lease_until = NULL WHERE id = $1 AND state = 'pending' AND claim_owner = $2",
            id, owner, [new NpgsqlParameter { Value = dueAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz }], cancellationToken);

    public Task<bool> MarkDeliveredAsync(long id, string owner, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            """
            UPDATE notifications
            SET state = 'delivered', attempts = attempts + 1, delivered_at = $3, next_attempt_at = NULL,
                claim_owner = NULL, lease_until = NULL
            WHERE id = $1 AND state = 'pending' AND claim_owner = $2
            """,
            id, owner, [Now()], cancellationToken);

    public Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            """
            UPDATE notifications
            SET attempts = attempts + 1,
                last_error = $3,
                state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = $4,
                claim_owner = NULL, lease_until = NULL
            WHERE id = $1 AND state = 'pending' AND claim_owner = $2
            """,
            id, owner,
            [error, new NpgsqlParameter { Value = (object?)retryAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }],
            cancellationToken);

    /// <summary>One UPDATE of a claim the owner holds ($1 id, $2 owner, then <paramref name="more"/>); true when it held it.</summary>
    private async Task<bool> ChangeClaimAsync(string sql, long id, string owner, IReadOnlyList<object> more, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        foreach (var value in more)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<RetryResult> RetryFailedAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        var requeued = new List<long>();
        var superseded = new List<long>();
        var failed = new HashSet<long>();
        var now = Now();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var select = new NpgsqlCommand(
            """
            SELECT n.id, EXISTS (
                SELECT 1 FROM notifications l
                WHERE l.source = n.source AND l.group_key = n.group_key AND l.id > n.id
                  AND (l.state = 'delivered' OR (l.state = 'pending' AND l.lease_until > $1)))
            FROM notifications n
            WHERE n.state = 'failed' AND ($2 OR n.id = ANY($3))
            ORDER BY n.id
            FOR UPDATE OF n
            """, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = now });
            select.Parameters.Add(new NpgsqlParameter { Value = ids is null });
            select.Parameters.Add(new NpgsqlParameter { Value = ids?.ToArray() ?? [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                failed.Add(id);
                (reader.GetBoolean(1) ? superseded : requeued).Add(id);
            }
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE notifications
            SET state = 'pending', attempts = 0, next_attempt_at = $1, claim_owner = NULL, lease_until = NULL
            WHERE state = 'failed' AND id = ANY($2)
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = now });
            update.Parameters.Add(new NpgsqlParameter { Value = requeued.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        return StoredRows.Retried(_logger, ids, requeued, superseded, failed);
    }

    private const string RecordColumns = StoredRows.RecordColumns;

    public async Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var command = _dataSource.CreateCommand($"SELECT {RecordColumns} FROM notifications WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(reader, now) : null;
    }

    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(IReadOnlySet<NotificationState> states, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (StoredRows.StateCondition(states, "$1") is not { } condition)
            return [];

        var now = Now();
        var records = new List<NotificationRecord>();
        await using var command = _dataSource.CreateCommand(
            $"SELECT {RecordColumns} FROM notifications WHERE {condition} ORDER BY id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            records.Add(ReadRecord(reader, now));
        return records;
    }

    private static NotificationRecord ReadRecord(NpgsqlDataReader reader, DateTimeOffset now) =>
        StoredRows.Notification(reader, Timestamptz, now);

    /// <summary>A time column as this store keeps it: timestamptz.</summary>
    internal static DateTimeOffset Timestamptz(System.Data.Common.DbDataReader reader, int column) =>
        reader.GetFieldValue<DateTimeOffset>(column);

    /// <summary>
    /// The backlog gauges' counts from indexes only: the pending range once (ix_notifications_due holds the id), for
    /// its count and its oldest id, whose row gives the oldest received_at (ids follow arrival, up to the moment between
    /// a replica's receiving and its insert, which is noise for an age in seconds); the leased rows
    /// by their own index; the failed by theirs. Reading the table instead (as the planner did when a backlog is a
    /// large part of it) was three sequential scans at every scrape: 173-350 ms at 60 000 pending of 160 000 rows,
    /// against 9-10 ms this way (EXPLAIN ANALYZE, PostgreSQL 15, 1.7 KB payloads).
    /// </summary>
    internal const string CountSql = """
        SELECT backlog.pending,
               (SELECT count(*) FROM notifications WHERE state = 'pending' AND lease_until > $1),
               (SELECT count(*) FROM notifications WHERE state = 'failed'),
               (SELECT received_at FROM notifications WHERE id = backlog.oldest)
        FROM (SELECT count(*) AS pending, min(id) AS oldest FROM notifications WHERE state = 'pending') backlog
        """;

    public async Task<NotificationCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(CountSql);
        command.Parameters.Add(new NpgsqlParameter { Value = Now() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new NotificationCounts(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT max(version) FROM schema_version");
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version
                && version == PostgresSchema.LatestVersion;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException
                                     || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogPingFailed(_logger, Where, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Deletes dedupe keys older than the dedupe retention, delivered notifications older than the delivered
    /// retention and failed ones received before the failed retention, in chunks. Pending work is never pruned.
    /// Any replica may prune; two pruning at once just delete disjoint or already-deleted rows.
    /// </summary>
    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var keys = await DeleteInChunksAsync(
            "DELETE FROM dedupe_keys WHERE key IN (SELECT key FROM dedupe_keys WHERE seen_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            now - _retention.DedupeRetention, cancellationToken).ConfigureAwait(false);
        var delivered = await DeleteInChunksAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE state = 'delivered' AND delivered_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            now - _retention.DeliveredRetention, cancellationToken).ConfigureAwait(false);
        var failed = await DeleteInChunksAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE state = 'failed' AND received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            now - _retention.FailedRetention, cancellationToken).ConfigureAwait(false);
        // A group quiet for as long as delivered notifications are kept gets a fresh message if it fires again.
        await DeleteInChunksAsync(
            """
            DELETE FROM slack_messages WHERE (source, group_key, channel) IN (
                SELECT source, group_key, channel FROM slack_messages WHERE updated_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
            """,
            now - _retention.DeliveredRetention, cancellationToken).ConfigureAwait(false);
        await DeleteInChunksAsync(
            """
            DELETE FROM slack_post_intents WHERE (source, group_key, channel) IN (
                SELECT source, group_key, channel FROM slack_post_intents WHERE recorded_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
            """,
            now - _retention.DeliveredRetention, cancellationToken).ConfigureAwait(false);

        if (keys + delivered + failed > 0)
            StoreLog.Pruned(_logger, keys, delivered, failed);
        return new PruneResult(keys, delivered, failed);
    }

    private async Task<int> DeleteInChunksAsync(string sql, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { Value = PruneChunk });
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PruneChunk)
                return total;
        }
    }

    public void Dispose()
    {
        // The container disposes it once per registration it was resolved through (store, interface, Slack messages).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _dataSource.Dispose();
    }

    /// <summary>The store's clock in UTC (timestamptz parameters must be UTC).</summary>
    private DateTimeOffset Now() => _time.GetUtcNow().ToUniversalTime();

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information,
        Message = "Alert store ready on PostgreSQL {Database} (schema version {Version})")]
    private static partial void LogReady(ILogger logger, string database, int version);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Alert store schema on PostgreSQL {Database} migrated from version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, string database, int from, int to);




    [LoggerMessage(EventId = 2025, Level = LogLevel.Warning, Message = "PostgreSQL {Database} does not answer: {Reason}")]
    private static partial void LogPingFailed(ILogger logger, string database, string reason);
}
