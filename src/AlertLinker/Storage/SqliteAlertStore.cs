using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>
/// <see cref="IAlertStore"/> on one SQLite file in WAL mode.
/// <para>
/// Durability: <c>synchronous=FULL</c>. In WAL mode NORMAL keeps the file consistent but may lose the last commits
/// on power loss or an OS crash; a 202 tells the sender "you may forget this alert", so every accept is fsynced
/// before we answer. The price is one fsync per commit: measured here (2-core VM, busy) about 4 ms p50 for a lone
/// accept against 0.2 ms with NORMAL; group commit (below) shares that fsync among concurrent accepts.
/// </para>
/// <para>
/// Concurrency: one long-lived connection behind an async gate. SQLite admits one writer at a time anyway; queueing
/// in-process on a <see cref="SemaphoreSlim"/> is fair and cheap, whereas several connections would contend on the
/// file lock and back off with sleeps. Accepts that arrive together are committed together (group commit), so a
/// burst costs one fsync, not one per webhook. Microsoft.Data.Sqlite's async methods are synchronous underneath, so
/// inside the gate the synchronous calls are used.
/// </para>
/// <para>Times are stored as unix milliseconds (INTEGER) so that "due" and "older than" are plain comparisons.</para>
/// </summary>
internal sealed partial class SqliteAlertStore : IAlertStore, IDisposable
{
    internal const string Pending = "pending";
    internal const string Delivered = "delivered";
    internal const string Failed = "failed";

    /// <summary>Rows deleted per prune transaction, so pruning never holds the write lock long enough to slow accepts.</summary>
    private const int PruneChunk = 500;

    /// <summary>Migration N (1-based) brings the schema from version N-1 to N. Append only; never edit a shipped one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE notifications (
            id              INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids never reused after pruning, so id order is arrival order
            source          TEXT    NOT NULL,
            group_key       TEXT    NOT NULL,
            status          TEXT    NOT NULL,
            payload         TEXT    NOT NULL,                  -- AlertNotification as JSON
            received_at     INTEGER NOT NULL,                  -- unix ms
            state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,                           -- unix ms; NULL once finished
            last_error      TEXT,
            delivered_at    INTEGER                            -- unix ms
        );
        CREATE INDEX ix_notifications_due ON notifications (state, next_attempt_at);
        CREATE INDEX ix_notifications_group_pending ON notifications (source, group_key, id) WHERE state = 'pending';
        CREATE INDEX ix_notifications_delivered_at ON notifications (delivered_at) WHERE state = 'delivered';
        CREATE TABLE dedupe_keys (
            key     TEXT    PRIMARY KEY,
            seen_at INTEGER NOT NULL                           -- unix ms, first sighting
        ) WITHOUT ROWID;
        CREATE INDEX ix_dedupe_keys_seen_at ON dedupe_keys (seen_at);
        """,
        """
        CREATE TABLE slack_messages (
            source     TEXT    NOT NULL,
            group_key  TEXT    NOT NULL,
            channel    TEXT    NOT NULL,                       -- channel ID the message is in
            ts         TEXT    NOT NULL,                       -- the message chat.update edits
            thread_ts  TEXT,                                   -- the storm digest it replies to; NULL for a top-level message
            status     TEXT    NOT NULL,                       -- the state the message shows
            updated_at INTEGER NOT NULL,                       -- unix ms
            PRIMARY KEY (source, group_key, channel)
        ) WITHOUT ROWID;
        CREATE INDEX ix_slack_messages_updated_at ON slack_messages (updated_at);
        """,
        """
        ALTER TABLE slack_messages ADD COLUMN detail_ts TEXT;  -- the message's detail reply in its thread; NULL until posted
        """,
    ];

    internal static int LatestSchemaVersion => Migrations.Length;

    /// <summary>Most accepts committed in one transaction; bounds how long one commit holds the write lock.</summary>
    private const int MaxAcceptBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<QueuedAccept> _accepts = new();
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteAlertStore> _logger;
    private readonly DeliverySignal? _signal;

    // The accept path's statements, prepared once and reused (only ever used inside the gate).
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _insertNotification;
    private bool _disposed;

    /// <summary>Opens (creating folder, file and schema as needed) the database. Throws with an actionable message when it cannot.</summary>
    public SqliteAlertStore(IOptions<StorageOptions> options, TimeProvider time, ILogger<SqliteAlertStore> logger, DeliverySignal? signal = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _signal = signal;

        var fullPath = _options.FullPath;
        _connection = Open(fullPath, _options);
        try
        {
            var version = Initialize();
            LogReady(_logger, fullPath, version);
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw Unusable(fullPath, e.Message, e);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _insertKey = _connection.CreateCommand();
        _insertKey.CommandText = "INSERT INTO dedupe_keys (key, seen_at) VALUES ($key, $now) ON CONFLICT (key) DO NOTHING";
        _insertKey.Parameters.Add("$key", SqliteType.Text);
        _insertKey.Parameters.Add("$now", SqliteType.Integer);

        _insertNotification = _connection.CreateCommand();
        _insertNotification.CommandText = """
            INSERT INTO notifications (source, group_key, status, payload, received_at, state, attempts, next_attempt_at)
            VALUES ($source, $group_key, $status, $payload, $received_at, 'pending', 0, $now)
            RETURNING id
            """;
        _insertNotification.Parameters.Add("$source", SqliteType.Text);
        _insertNotification.Parameters.Add("$group_key", SqliteType.Text);
        _insertNotification.Parameters.Add("$status", SqliteType.Text);
        _insertNotification.Parameters.Add("$payload", SqliteType.Text);
        _insertNotification.Parameters.Add("$received_at", SqliteType.Integer);
        _insertNotification.Parameters.Add("$now", SqliteType.Integer);
    }

    public async Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Everything that does not need the database happens before queueing.
        var accept = new QueuedAccept(
            notification,
            notification.DedupeKeys().Distinct(StringComparer.Ordinal).ToList(),
            JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification));
        _accepts.Enqueue(accept);

        // Group commit: whoever holds the gate commits every queued accept in one transaction, one fsync for all.
        // Under a burst of webhooks that turns N fsyncs in a row into one, so the 202 latency stays flat.
        // Not cancellable once queued: another caller may already be committing this accept, and storing an alert
        // whose sender hung up is harmless (its retry is a duplicate).
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!accept.Result.Task.IsCompleted)
                CommitQueuedAccepts();
        }
        finally
        {
            _gate.Release();
        }
        return await accept.Result.Task.ConfigureAwait(false);
    }

    /// <summary>Commits every queued accept in one transaction. Runs inside the gate.</summary>
    private void CommitQueuedAccepts()
    {
        var batch = new List<QueuedAccept>();
        while (batch.Count < MaxAcceptBatch && _accepts.TryDequeue(out var queued))
            batch.Add(queued);

        var results = new AcceptResult[batch.Count];
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = NowMs();
            // BEGIN IMMEDIATE (the default of BeginTransaction): take the write lock up front, no upgrade deadlocks.
            using var transaction = _connection.BeginTransaction();
            _insertKey.Transaction = transaction;
            _insertNotification.Transaction = transaction;
            _insertKey.Parameters["$now"].Value = now;
            for (var i = 0; i < batch.Count; i++)
            {
                var (notification, keys, payload) = (batch[i].Notification, batch[i].Keys, batch[i].Payload);
                var fresh = 0;
                foreach (var key in keys)
                {
                    _insertKey.Parameters["$key"].Value = key;
                    fresh += _insertKey.ExecuteNonQuery();
                }

                long? id = null;
                if (fresh > 0)
                {
                    _insertNotification.Parameters["$source"].Value = notification.Source;
                    _insertNotification.Parameters["$group_key"].Value = notification.GroupKey;
                    _insertNotification.Parameters["$status"].Value = notification.Status.ToString();
                    _insertNotification.Parameters["$payload"].Value = payload;
                    _insertNotification.Parameters["$received_at"].Value = notification.ReceivedAt.ToUnixTimeMilliseconds();
                    _insertNotification.Parameters["$now"].Value = now;
                    id = (long)_insertNotification.ExecuteScalar()!;
                }
                // else: every key was seen before; nothing of this notification is written.
                results[i] = new AcceptResult(id, fresh, keys.Count - fresh);
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            // Nothing of the batch is stored (the transaction rolled back): every caller hears it and answers 5xx.
            foreach (var accept in batch)
                accept.Result.TrySetException(e);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
            batch[i].Result.TrySetResult(results[i]);
        if (results.Any(r => r.NotificationId is not null))
            _signal?.Notify();
    }

    public async Task<IReadOnlyList<StoredNotification>> GetDueAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var due = new List<StoredNotification>();
        var unreadable = new List<(long Id, string Error)>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            // Per-group order: only the oldest pending notification of each group can be due, so a later
            // notification (say, the resolve) never overtakes an earlier one that is still being retried.
            command.CommandText = """
                SELECT n.id, n.payload, n.attempts
                FROM notifications n
                WHERE n.state = 'pending' AND n.next_attempt_at <= $now
                  AND NOT EXISTS (
                      SELECT 1 FROM notifications e
                      WHERE e.state = 'pending' AND e.source = n.source AND e.group_key = n.group_key AND e.id < n.id)
                ORDER BY n.id
                LIMIT $max
                """;
            command.Parameters.AddWithValue("$now", NowMs());
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                try
                {
                    var notification = JsonSerializer.Deserialize(reader.GetString(1), StorageJsonContext.Default.AlertNotification)
                        ?? throw new JsonException("payload is null");
                    due.Add(new StoredNotification(id, notification, reader.GetInt32(2)));
                }
                catch (JsonException e)
                {
                    unreadable.Add((id, "stored payload is unreadable: " + e.Message));
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        // A row that cannot be read would otherwise block its group forever: fail it, visibly.
        foreach (var (id, error) in unreadable)
        {
            LogUnreadable(_logger, id, error);
            await MarkFailedAsync(id, error, retryAt: null, cancellationToken).ConfigureAwait(false);
        }
        return due;
    }

    public Task MarkDeliveredAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE notifications
            SET state = 'delivered', attempts = attempts + 1, delivered_at = $now, next_attempt_at = NULL
            WHERE id = $id AND state = 'pending'
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$now", NowMs());
            },
            cancellationToken);

    public Task MarkFailedAsync(long id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE notifications
            SET attempts = attempts + 1,
                last_error = $error,
                state = CASE WHEN $retry_at IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = $retry_at
            WHERE id = $id AND state = 'pending'
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$error", error);
                command.Parameters.AddWithValue("$retry_at", (object?)retryAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            },
            cancellationToken);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            if (_disposed)
                return false;
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT max(version) FROM schema_version";
            return command.ExecuteScalar() is long version && version == LatestSchemaVersion;
        }
        catch (SqliteException)
        {
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes dedupe keys older than the dedupe retention, delivered notifications older than the delivered
    /// retention and failed ones received before the failed retention. Pending work is never pruned.
    /// Runs in small transactions so accepts interleave.
    /// </summary>
    internal async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var keyCutoff = (now - _options.DedupeRetention).ToUnixTimeMilliseconds();
        var deliveredCutoff = (now - _options.DeliveredRetention).ToUnixTimeMilliseconds();
        var failedCutoff = (now - _options.FailedRetention).ToUnixTimeMilliseconds();

        var keys = await DeleteInChunksAsync(
            "DELETE FROM dedupe_keys WHERE key IN (SELECT key FROM dedupe_keys WHERE seen_at < $cutoff LIMIT $chunk)",
            keyCutoff, cancellationToken).ConfigureAwait(false);
        var delivered = await DeleteInChunksAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE state = 'delivered' AND delivered_at < $cutoff LIMIT $chunk)",
            deliveredCutoff, cancellationToken).ConfigureAwait(false);
        var failed = await DeleteInChunksAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE state = 'failed' AND received_at < $cutoff LIMIT $chunk)",
            failedCutoff, cancellationToken).ConfigureAwait(false);
        // A group quiet for as long as delivered notifications are kept gets a fresh message if it fires again.
        await DeleteInChunksAsync(
            "DELETE FROM slack_messages WHERE (source, group_key, channel) IN (SELECT source, group_key, channel FROM slack_messages WHERE updated_at < $cutoff LIMIT $chunk)",
            deliveredCutoff, cancellationToken).ConfigureAwait(false);

        var result = new PruneResult(keys, delivered, failed);
        if (keys + delivered + failed > 0)
            LogPruned(_logger, keys, delivered, failed);
        return result;
    }

    /// <summary>One notification's bookkeeping, for diagnostics and tests; null when there is no such row.</summary>
    internal async Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT state, attempts, next_attempt_at, last_error, delivered_at FROM notifications WHERE id = $id
                """;
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            return new NotificationRecord(
                id,
                reader.GetString(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How many notifications are in each state (for metrics and readiness detail).</summary>
    internal async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT state, count(*) FROM notifications GROUP BY state";
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, long> { [Pending] = 0, [Delivered] = 0, [Failed] = 0 };
            while (reader.Read())
                counts[reader.GetString(0)] = reader.GetInt64(1);
            return counts;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        // Wait for a statement in flight rather than pulling the connection from under it.
        _gate.Wait();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            _insertKey.Dispose();
            _insertNotification.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> DeleteInChunksAsync(string sql, long cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            int deleted;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var command = _connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$cutoff", cutoff);
                command.Parameters.AddWithValue("$chunk", PruneChunk);
                deleted = command.ExecuteNonQuery();
            }
            finally
            {
                _gate.Release();
            }

            total += deleted;
            if (deleted < PruneChunk)
                return total;
        }
    }

    private static SqliteConnection Open(string fullPath, StorageOptions options)
    {
        var folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw Unusable(fullPath, $"cannot create the folder '{folder}': {e.Message}", e);
            }
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // We hold one connection for the life of the process; a pool would only keep extra file handles.
            Pooling = false,
            // Microsoft.Data.Sqlite's own retry on SQLITE_BUSY is bounded by the command timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Unusable(fullPath, e.Message, e);
        }
    }

    /// <summary>Sets the connection up and migrates the schema; returns the schema version.</summary>
    private int Initialize()
    {
        var mode = Scalar("PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"{StorageOptions.SectionName}:Path: the database '{_options.FullPath}' could not be switched to WAL mode " +
                $"(journal_mode is '{mode}'). Put it on a local file system; network file systems usually cannot do WAL.");

        Execute(string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};"));
        Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");

        // IMMEDIATE: two instances starting on one file migrate one after the other, not both.
        using var transaction = _connection.BeginTransaction();
        var current = Scalar("SELECT coalesce(max(version), 0) FROM schema_version", transaction) is long v ? (int)v : 0;
        if (current > Migrations.Length)
            throw new InvalidOperationException(
                $"{StorageOptions.SectionName}:Path: the database '{_options.FullPath}' has schema version {current}, newer than " +
                $"this AlertLinker knows ({Migrations.Length}). Run the newer AlertLinker, or point the setting at another file.");

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            Execute(Migrations[version - 1], transaction);
            Execute(string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO schema_version (version, applied_at) VALUES ({version}, {NowMs()})"), transaction);
        }
        transaction.Commit();
        if (current < Migrations.Length)
            LogMigrated(_logger, current, Migrations.Length);
        return Migrations.Length;
    }

    private void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    private static InvalidOperationException Unusable(string fullPath, string reason, Exception inner) =>
        new($"{StorageOptions.SectionName}:Path: cannot use the database '{fullPath}': {reason}. Point AlertLinker:Storage:Path " +
            "(environment: AlertLinker__Storage__Path) at a file in a writable folder on a local file system.", inner);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Alert store ready at {Path} (schema version {Version}, WAL, synchronous=FULL)")]
    private static partial void LogReady(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Alert store schema migrated from version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, int from, int to);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Pruned {Keys} dedupe keys, {Delivered} delivered and {Failed} failed notifications")]
    private static partial void LogPruned(ILogger logger, int keys, int delivered, int failed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Notification {Id} cannot be read back ({Error}); marked failed")]
    private static partial void LogUnreadable(ILogger logger, long id, string error);
}

/// <summary>An accept waiting for the next group commit.</summary>
internal sealed record QueuedAccept(AlertNotification Notification, IReadOnlyList<string> Keys, string Payload)
{
    // Continuations run asynchronously: completing 200 callers must not run their request pipelines inside the gate.
    public TaskCompletionSource<AcceptResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed record PruneResult(int DedupeKeys, int DeliveredNotifications, int FailedNotifications);

internal sealed record NotificationRecord(
    long Id,
    string State,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset? DeliveredAt);
