using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>
/// <see cref="IAlertStore"/> on one SQLite file in WAL mode.
/// <para>
/// Durability: accepts commit with <c>synchronous=FULL</c>. In WAL mode NORMAL keeps the file consistent but may lose
/// the last commits on power loss or an OS crash; a 202 tells the sender "you may forget this alert", so every accept
/// is fsynced before we answer. The price is one fsync per commit, about 4 ms here; group commit (below) shares it
/// among every accept waiting. The delivery bookkeeping (claims, leases, outcomes, Slack message records) commits
/// with NORMAL: it survives a crash of the process (kill -9) as FULL does, and on power loss the worst case is a
/// notification delivered again, never one lost. The next accept's fsync makes it durable anyway.
/// </para>
/// <para>
/// Concurrency: one long-lived connection. SQLite admits one writer at a time anyway; several connections would
/// contend on the file lock and back off with sleeps. One writer thread owns the hot path: it drains a queue of
/// accepts and of the delivery worker's claim operations, commits every accept waiting in one transaction (group
/// commit), then runs the operations: a burst costs one fsync, not one per webhook, and no request thread blocks on the
/// disk. The claim operations run on that thread rather than behind an async lock because an async lock is handed
/// to a waiter whose continuation must then be scheduled on the thread pool, and under load (every core busy with
/// requests) the connection sat idle, held, for milliseconds per hand-off while accepts waited (measured: 5–13 ms
/// of gate wait per group commit). The rarer operations (look-ups, counts, pruning, Slack message records) still
/// take the async gate, which the writer takes too around each round. Microsoft.Data.Sqlite's async methods are
/// synchronous underneath, so on the connection the synchronous calls are used.
/// </para>
/// <para>
/// Claims: a claimed notification stays <c>state = 'pending'</c> with <c>claim_owner</c> and <c>lease_until</c> set;
/// it is in flight while its lease runs. Several processes on one file are safe (each claim is one write transaction
/// under SQLite's write lock), though one process per file is the intended set-up.
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
        -- Claims: a pending notification is in flight while lease_until (unix ms) is in the future.
        ALTER TABLE notifications ADD COLUMN claim_owner TEXT;
        ALTER TABLE notifications ADD COLUMN lease_until INTEGER;
        """,
        """
        ALTER TABLE slack_messages ADD COLUMN detail_ts TEXT;  -- the message's detail reply in its thread; NULL until posted
        """,
        """
        -- The sinks that already have a notification, so a retry skips them (written only with several sinks).
        CREATE TABLE sink_deliveries (
            notification_id INTEGER NOT NULL,
            sink            TEXT    NOT NULL,                  -- IAlertSink.Name
            delivered_at    INTEGER NOT NULL,                  -- unix ms
            PRIMARY KEY (notification_id, sink)
        ) WITHOUT ROWID;
        CREATE TRIGGER tr_notifications_forget_sinks AFTER DELETE ON notifications
        BEGIN
            DELETE FROM sink_deliveries WHERE notification_id = OLD.id;
        END;
        """,
        """
        -- A group's top-level post recorded before it is sent, deleted when its ts is recorded (SlackPostIntents).
        CREATE TABLE slack_post_intents (
            source      TEXT    NOT NULL,
            group_key   TEXT    NOT NULL,
            channel     TEXT    NOT NULL,                      -- the channel routed to, as configured
            delivery_id TEXT    NOT NULL,                      -- in the post's Slack message metadata
            recorded_at INTEGER NOT NULL,                      -- unix ms
            PRIMARY KEY (source, group_key, channel)
        ) WITHOUT ROWID;
        """,
        """
        -- The channel's storm digest, shared by every process on the file (ISlackStormStore): its latest storm only.
        CREATE TABLE slack_storms (
            channel        TEXT    PRIMARY KEY,                -- as configured
            storm_id       TEXT    NOT NULL UNIQUE,
            started_at     INTEGER NOT NULL,                   -- unix ms
            last_arrival   INTEGER NOT NULL,                   -- unix ms; the storm is open while this is within the window
            earlier_groups INTEGER NOT NULL,                   -- groups with messages of their own before it, over processes
            earlier_alerts INTEGER NOT NULL,
            digest_ts      TEXT,                               -- NULL until posted
            digest_channel TEXT,                               -- the channel ID Slack answered with
            claim_owner    TEXT,                               -- the process posting or editing the digest now
            claim_until    INTEGER                             -- unix ms
        ) WITHOUT ROWID;
        CREATE TABLE slack_storm_members (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,        -- join order, as the digest lists them
            storm_id  TEXT    NOT NULL,
            source    TEXT    NOT NULL,
            group_key TEXT    NOT NULL,
            name      TEXT    NOT NULL,
            services  TEXT,
            alerts    INTEGER NOT NULL,
            status    TEXT    NOT NULL,
            detailed  INTEGER NOT NULL,                        -- 1: its full message is in the digest's thread
            UNIQUE (storm_id, source, group_key)
        );
        -- New groups of the window that got messages of their own, from every process: a storm's earlier groups.
        CREATE TABLE slack_storm_alone (
            channel    TEXT    NOT NULL,
            source     TEXT    NOT NULL,
            group_key  TEXT    NOT NULL,
            alerts     INTEGER NOT NULL,
            arrived_at INTEGER NOT NULL,                       -- unix ms
            PRIMARY KEY (channel, source, group_key)
        ) WITHOUT ROWID;
        """,
        """
        -- The notifications in flight (claimed, lease set), so counting them for /metrics reads these few rows and
        -- not every pending one. A new or released notification has no lease: accepts never write this index.
        CREATE INDEX ix_notifications_leased ON notifications (lease_until) WHERE state = 'pending' AND lease_until IS NOT NULL;
        """,
        """
        -- Dedupe keys from here on (SqliteSeenKeys): appended in arrival order, looked up in memory. A B-tree keyed by
        -- the keys themselves took a page write per key, since fingerprints arrive in random order. dedupe_keys keeps
        -- what older versions stored until it is pruned; nothing writes it any more.
        CREATE TABLE dedupe_seen (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,     -- AUTOINCREMENT: never reused, so "rows after id N" is exact
            key_hash BLOB    NOT NULL,                      -- the first 16 bytes of the key's SHA-256
            seen_at  INTEGER NOT NULL                       -- unix ms, first sighting
        );
        CREATE INDEX ix_dedupe_seen_seen_at ON dedupe_seen (seen_at);
        """,
    ];

    internal static int LatestSchemaVersion => Migrations.Length;

    /// <summary>Most accepts committed in one transaction; bounds how long one commit holds the write lock.</summary>
    private const int MaxAcceptBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BlockingCollection<WriterWork> _work = new(new ConcurrentQueue<WriterWork>());
    private readonly Thread _writer;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteAlertStore> _logger;

    // The accept path's statements, prepared once and reused (only ever used inside the gate).
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _insertNotification;
    private readonly SqliteCommand _groupPending;
    private readonly SqliteCommand _claimHeads;
    private readonly SqliteCommand _claimOne;
    private readonly SqliteSeenKeys _seenKeys;
    private readonly SqliteStatements _statements;
    private readonly Histogram<double>? _commitDuration;
    private readonly Histogram<int>? _commitAccepts;
    private bool _disposed;
    private int _disposing;

    /// <summary>Opens (creating folder, file and schema as needed) the database. Throws with an actionable message when it cannot.</summary>
    public SqliteAlertStore(IOptions<StorageOptions> options, TimeProvider time, ILogger<SqliteAlertStore> logger, IMeterFactory? meters = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (meters?.Create(AlertLinkerActivity.MeterName) is { } meter)
        {
            // What each accept's 202 waited for on the writer, fsync included: where the disk's cost shows.
            _commitDuration = meter.CreateHistogram<double>("alertlinker_store_group_commit_duration", unit: "s",
                description: "Duration of each group commit of accepts in the SQLite store, from BEGIN to the fsynced COMMIT.",
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
            // How many accepts shared it: 1 while traffic is light, growing with the arrival rate.
            _commitAccepts = meter.CreateHistogram<int>("alertlinker_store_group_commit_accepts", unit: "{accept}",
                description: "Accepts (webhook calls) committed together in each group commit of the SQLite store.",
                advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        }

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

        _seenKeys = new SqliteSeenKeys(_connection);
        _statements = new SqliteStatements(_connection);
        _insertKey = _connection.CreateCommand();
        _insertKey.CommandText = "INSERT INTO dedupe_seen (key_hash, seen_at) VALUES ($hash, $now) RETURNING id";
        _insertKey.Parameters.Add("$hash", SqliteType.Blob);
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

        // One seek in the partial index of pending rows: is an earlier notification of the group still pending?
        _groupPending = _connection.CreateCommand();
        _groupPending.CommandText = """
            SELECT EXISTS (SELECT 1 FROM notifications INDEXED BY ix_notifications_group_pending
                           WHERE state = 'pending' AND source = $source AND group_key = $group_key)
            """;
        _groupPending.Parameters.Add("$source", SqliteType.Text);
        _groupPending.Parameters.Add("$group_key", SqliteType.Text);

        // The claim's two statements, prepared once: the worker claims at every wake-up.
        _claimHeads = _connection.CreateCommand();
        _claimHeads.CommandText = ClaimSql;
        _claimHeads.Parameters.Add("$now", SqliteType.Integer);
        _claimHeads.Parameters.Add("$max", SqliteType.Integer);
        _claimOne = _connection.CreateCommand();
        _claimOne.CommandText = ClaimOneSql;
        _claimOne.Parameters.Add("$owner", SqliteType.Text);
        _claimOne.Parameters.Add("$until", SqliteType.Integer);
        _claimOne.Parameters.Add("$now", SqliteType.Integer);
        _claimOne.Parameters.Add("$id", SqliteType.Integer);

        _writer = new Thread(WriteAccepts) { IsBackground = true, Name = "alert store writer" };
        _writer.Start();
    }

    public Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var accept = QueuedAccept.For(notification);
        Enqueue(accept);
        // Not cancellable once queued: the writer may already be committing it, and storing an alert whose sender
        // hung up is harmless (its retry is a duplicate).
        return accept.Result.Task;
    }

    /// <summary>Queues work for the writer thread; refuses it once the store is being disposed.</summary>
    private void Enqueue(WriterWork work)
    {
        try
        {
            _work.Add(work, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteAlertStore));
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer thread, in turn with the group commits, and answers with its result.
    /// Cancellation counts until the work's turn comes; once it runs, it runs to the end (as a statement would).
    /// </summary>
    private Task<T> OnWriterAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var operation = new QueuedOperation<T>(work, cancellationToken);
        Enqueue(operation);
        return operation.Result.Task;
    }

    /// <summary>
    /// The writer thread: takes everything waiting (up to <see cref="MaxAcceptBatch"/> accepts), commits the accepts
    /// in one transaction, one fsync for all, then runs the operations. While it commits, the next round gathers, so
    /// under load the batch grows with the arrival rate and the fsync is shared by more requests, instead of each
    /// request waiting its turn.
    /// </summary>
    private void WriteAccepts()
    {
        var batch = new List<QueuedAccept>(MaxAcceptBatch);
        var operations = new List<WriterOperation>();
        foreach (var first in _work.GetConsumingEnumerable())
        {
            var next = first;
            do
            {
                if (next is QueuedAccept accept)
                    batch.Add(accept);
                else if (next is WriterOperation operation)
                    operations.Add(operation);
            }
            while (batch.Count < MaxAcceptBatch && _work.TryTake(out next));

            // The rarer operations that take the gate themselves must not run on the connection meanwhile.
            _gate.Wait();
            try
            {
                // Accepts first: a sender is waiting on each for its 202, and with a backlog the delivery worker's
                // operations (claims, marks, lease renewals) can fill a round. They wait one fsync more instead, which
                // costs a delivery nothing it would notice: each completes before its caller moves on, so a delivery
                // marked done in this round still wakes the claim of its group's next notification.
                if (batch.Count > 0)
                    CommitAccepts(batch);
                foreach (var operation in operations)
                    operation.Run();
            }
            finally
            {
                _gate.Release();
            }
            batch.Clear();
            operations.Clear();
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction committed with <c>synchronous = FULL</c> (fsynced), and restores the
    /// connection's NORMAL after. The level cannot change inside a transaction, so it is set around it. Inside the gate.
    /// </summary>
    private void CommitDurably(Action<SqliteTransaction> write)
    {
        Execute("PRAGMA synchronous = FULL");
        try
        {
            // BEGIN IMMEDIATE (the default of BeginTransaction): take the write lock up front, no upgrade deadlocks.
            using var transaction = _connection.BeginTransaction();
            write(transaction);
            transaction.Commit();
        }
        finally
        {
            Execute("PRAGMA synchronous = NORMAL");
        }
    }

    /// <summary>Commits a batch of accepts in one transaction and answers each caller. Runs inside the gate; never throws.</summary>
    private void CommitAccepts(List<QueuedAccept> batch)
    {
        var results = new AcceptResult[batch.Count];
        var started = _time.GetTimestamp();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = NowMs();
            long? lastKeyId = null;
            // A 202 means on disk: this commit is fsynced (the connection's default, for bookkeeping, is NORMAL).
            CommitDurably(transaction =>
            {
                // Under the write lock: what other processes on the file stored since the last round is known first.
                _seenKeys.CatchUp(transaction);
                _insertKey.Transaction = transaction;
                _insertNotification.Transaction = transaction;
                _insertKey.Parameters["$now"].Value = now;
                for (var i = 0; i < batch.Count; i++)
                {
                    var (notification, keys, payload) = (batch[i].Notification, batch[i].Keys, batch[i].Payload);
                    // Key by key inside the one transaction: a notification repeated within the batch finds the keys
                    // its first copy added, so dedupe is as exact as with one transaction per accept.
                    var fresh = 0;
                    foreach (var key in keys)
                    {
                        if (!_seenKeys.TryAdd(key, now))
                            continue;
                        _insertKey.Parameters["$hash"].Value = key.ToBlob();
                        lastKeyId = (long)_insertKey.ExecuteScalar()!;
                        fresh++;
                    }

                    long? id = null;
                    var behind = false;
                    if (fresh > 0)
                    {
                        _groupPending.Transaction = transaction;
                        _groupPending.Parameters["$source"].Value = notification.Source;
                        _groupPending.Parameters["$group_key"].Value = notification.GroupKey;
                        behind = (long)_groupPending.ExecuteScalar()! == 1;
                        _insertNotification.Parameters["$source"].Value = notification.Source;
                        _insertNotification.Parameters["$group_key"].Value = notification.GroupKey;
                        _insertNotification.Parameters["$status"].Value = notification.Status.ToString();
                        _insertNotification.Parameters["$payload"].Value = payload;
                        _insertNotification.Parameters["$received_at"].Value = notification.ReceivedAt.ToUnixTimeMilliseconds();
                        _insertNotification.Parameters["$now"].Value = now;
                        id = (long)_insertNotification.ExecuteScalar()!;
                    }
                    // else: every key was seen before; nothing of this notification is written.
                    results[i] = new AcceptResult(id, fresh, keys.Count - fresh, behind);
                }
            });
            _seenKeys.Committed(lastKeyId);
        }
        catch (Exception e)
        {
            // Nothing of the batch is stored (the transaction rolled back), its keys included: every caller hears it
            // and answers 5xx, and their retries are new.
            _seenKeys.Rollback();
            foreach (var accept in batch)
                accept.Result.TrySetException(e);
            return;
        }

        _commitDuration?.Record(_time.GetElapsedTime(started).TotalSeconds);
        _commitAccepts?.Record(batch.Count);
        for (var i = 0; i < batch.Count; i++)
            batch[i].Result.TrySetResult(results[i]);
    }

    // The walk and the updates in one write transaction (SQLite's write lock), so two claimers never take the same
    // row. Per-group order: only a group's head (its oldest pending notification) is claimable, and only while its lease is not running,
    // so a later notification (say, the resolve) never overtakes an earlier one that is still being retried,
    // and a group is never delivered twice at once. (Only heads are ever claimed, and RetryFailedAsync puts
    // nothing back behind a claim, so a running lease is always a head's.)
    // Cost: the recursive part walks the partial index on pending rows (a skip scan): sources one by one, and
    // within a source its groups one by one, each step one index seek (min over a range), so a backlog of
    // thousands in one group costs what one notification costs, and the claim grows with the number of
    // groups, not of rows. Two details keep it so (measured: a 20 000-row backlog in one group took 42 ms per
    // claim, 400 groups of 50 took 13 s; now 0.06 ms and 5 ms): INDEXED BY, because the planner otherwise
    // prefers ix_notifications_due (state = ?) and sorts every pending row; and one column per step
    // (source > ?, then source = ? AND group_key > ?), because a row-value seek (source, group_key) > (?, ?)
    // lands on the first row of the current group and steps through all of them.
    internal const string ClaimSql = """
        WITH RECURSIVE
        src(source) AS (
            SELECT min(n.source) FROM notifications n INDEXED BY ix_notifications_group_pending WHERE n.state = 'pending'
            UNION ALL
            SELECT (SELECT min(n.source) FROM notifications n INDEXED BY ix_notifications_group_pending
                    WHERE n.state = 'pending' AND n.source > src.source)
            FROM src WHERE src.source IS NOT NULL
        ),
        grp(source, group_key) AS (
            SELECT src.source, (SELECT min(n.group_key) FROM notifications n INDEXED BY ix_notifications_group_pending
                                WHERE n.state = 'pending' AND n.source = src.source)
            FROM src WHERE src.source IS NOT NULL
            UNION ALL
            SELECT grp.source, (SELECT min(n.group_key) FROM notifications n INDEXED BY ix_notifications_group_pending
                                WHERE n.state = 'pending' AND n.source = grp.source AND n.group_key > grp.group_key)
            FROM grp WHERE grp.group_key IS NOT NULL
        ),
        head(id) AS (
            SELECT (SELECT min(n.id) FROM notifications n INDEXED BY ix_notifications_group_pending
                    WHERE n.state = 'pending' AND n.source = grp.source AND n.group_key = grp.group_key)
            FROM grp WHERE grp.group_key IS NOT NULL
        )
        SELECT n.id FROM head JOIN notifications n ON n.id = head.id
        WHERE n.next_attempt_at <= $now AND (n.lease_until IS NULL OR n.lease_until <= $now)
        ORDER BY n.id
        LIMIT $max
        """;

    /// <summary>
    /// Takes one head found by <see cref="ClaimSql"/>, in the same write transaction. The conditions are checked again
    /// so the statement is right on its own; under the transaction's write lock nothing can have changed in between.
    /// (One UPDATE … WHERE id IN (the walk) RETURNING was the claim before: it cost 0.2 ms in SQLite itself and about
    /// 0.8 ms of the writer thread per claim even with nothing pending, against ~0.02 ms for the walk plus the updates.)
    /// </summary>
    internal const string ClaimOneSql = """
        UPDATE notifications SET claim_owner = $owner, lease_until = $until
        WHERE id = $id AND state = 'pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
        RETURNING id, payload, attempts
        """;

    public async Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var claimed = new List<ClaimedNotification>();
        var unreadable = new List<(long Id, string Error)>();
        await OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = NowMs();
            var until = now + (long)lease.TotalMilliseconds;
            // One write transaction (BEGIN IMMEDIATE): another process on the file cannot claim between walk and update.
            using var transaction = _connection.BeginTransaction();
            _claimHeads.Transaction = transaction;
            _claimHeads.Parameters["$now"].Value = now;
            _claimHeads.Parameters["$max"].Value = max;
            var heads = new List<long>();
            using (var reader = _claimHeads.ExecuteReader())
            {
                while (reader.Read())
                    heads.Add(reader.GetInt64(0));
            }

            var rows = new List<(long Id, string Payload, int Attempts)>(heads.Count);
            _claimOne.Transaction = transaction;
            _claimOne.Parameters["$owner"].Value = owner;
            _claimOne.Parameters["$until"].Value = until;
            _claimOne.Parameters["$now"].Value = now;
            foreach (var head in heads)
            {
                _claimOne.Parameters["$id"].Value = head;
                using var reader = _claimOne.ExecuteReader();
                if (reader.Read())
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
            }
            transaction.Commit();

            // Parsed after the commit, so the write lock is not held for it.
            foreach (var (id, payload, attempts) in rows)
            {
                if (StoredPayload.Read(payload, out var problem) is { } notification)
                    claimed.Add(new ClaimedNotification(id, notification, attempts, DateTimeOffset.FromUnixTimeMilliseconds(until)));
                else
                    unreadable.Add((id, problem!));
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);

        return await StoredPayload.SettleClaimAsync(this, owner, claimed, unreadable, (id, error) => StoreLog.Unreadable(_logger, id, error), cancellationToken)
            .ConfigureAwait(false);
    }

    public Task<bool> RenewLeaseAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET lease_until = $until WHERE id = $id AND state = 'pending' AND claim_owner = $owner",
            id, owner, command => command.Parameters.AddWithValue("$until", NowMs() + (long)lease.TotalMilliseconds), cancellationToken);

    public Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET claim_owner = NULL, lease_until = NULL WHERE id = $id AND state = 'pending' AND claim_owner = $owner",
            id, owner, _ => { }, cancellationToken);

    public Task<bool> DeferAsync(long id, string owner, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            "UPDATE notifications SET next_attempt_at = $due, claim_owner = NULL, lease_until = NULL WHERE id = $id AND state = 'pending' AND claim_owner = $owner",
            id, owner, command => command.Parameters.AddWithValue("$due", dueAt.ToUnixTimeMilliseconds()), cancellationToken);

    public Task<bool> MarkDeliveredAsync(long id, string owner, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            """
            UPDATE notifications
            SET state = 'delivered', attempts = attempts + 1, delivered_at = $now, next_attempt_at = NULL,
                claim_owner = NULL, lease_until = NULL
            WHERE id = $id AND state = 'pending' AND claim_owner = $owner
            """,
            id, owner, command => command.Parameters.AddWithValue("$now", NowMs()), cancellationToken);

    public Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        ChangeClaimAsync(
            """
            UPDATE notifications
            SET attempts = attempts + 1,
                last_error = $error,
                state = CASE WHEN $retry_at IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = $retry_at,
                claim_owner = NULL, lease_until = NULL
            WHERE id = $id AND state = 'pending' AND claim_owner = $owner
            """,
            id, owner,
            command =>
            {
                command.Parameters.AddWithValue("$error", error);
                command.Parameters.AddWithValue("$retry_at", (object?)retryAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            },
            cancellationToken);

    /// <summary>One UPDATE of a claim the owner holds, on the writer thread; true when it held it (one row changed).</summary>
    private Task<bool> ChangeClaimAsync(string sql, long id, string owner, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = _statements.For(sql);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$owner", owner);
            bind(command);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async Task<RetryResult> RetryFailedAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        var requeued = new List<long>();
        var superseded = new List<long>();
        var failed = new HashSet<long>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = NowMs();
            // An operator's decision, made once: worth the fsync.
            CommitDurably(transaction =>
            {
                using (var select = _connection.CreateCommand())
                {
                    select.Transaction = transaction;
                    select.CommandText = """
                        SELECT n.id, EXISTS (
                            SELECT 1 FROM notifications l
                            WHERE l.source = n.source AND l.group_key = n.group_key AND l.id > n.id
                              AND (l.state = 'delivered' OR (l.state = 'pending' AND l.lease_until > $now)))
                        FROM notifications n
                        WHERE n.state = 'failed' AND ($all OR n.id IN (SELECT value FROM json_each($ids)))
                        ORDER BY n.id
                        """;
                    select.Parameters.AddWithValue("$now", now);
                    select.Parameters.AddWithValue("$all", ids is null);
                    select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids?.ToArray() ?? [], StorageJsonContext.Default.Int64Array));
                    using var reader = select.ExecuteReader();
                    while (reader.Read())
                    {
                        var id = reader.GetInt64(0);
                        failed.Add(id);
                        (reader.GetBoolean(1) ? superseded : requeued).Add(id);
                    }
                }

                using (var update = _connection.CreateCommand())
                {
                    update.Transaction = transaction;
                    update.CommandText = """
                        UPDATE notifications
                        SET state = 'pending', attempts = 0, next_attempt_at = $now, claim_owner = NULL, lease_until = NULL
                        WHERE state = 'failed' AND id IN (SELECT value FROM json_each($ids))
                        """;
                    update.Parameters.AddWithValue("$now", now);
                    update.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(requeued.ToArray(), StorageJsonContext.Default.Int64Array));
                    update.ExecuteNonQuery();
                }
            });
        }
        finally
        {
            _gate.Release();
        }

        return StoredRows.Retried(_logger, ids, requeued, superseded, failed);
    }

    private const string RecordColumns = StoredRows.RecordColumns;

    public async Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {RecordColumns} FROM notifications WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader, NowMs()) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(IReadOnlySet<NotificationState> states, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (StoredRows.StateCondition(states, "$now") is not { } condition)
            return [];

        var records = new List<NotificationRecord>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = NowMs();
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {RecordColumns} FROM notifications WHERE {condition} ORDER BY id LIMIT $limit";
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                records.Add(ReadRecord(reader, now));
        }
        finally
        {
            _gate.Release();
        }
        return records;
    }

    private static NotificationRecord ReadRecord(SqliteDataReader reader, long now) =>
        StoredRows.Notification(reader, UnixMs, DateTimeOffset.FromUnixTimeMilliseconds(now));

    /// <summary>A time column as this store keeps it: unix milliseconds.</summary>
    internal static DateTimeOffset UnixMs(System.Data.Common.DbDataReader reader, int column) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    // Runs under the gate, between group commits, at every /metrics scrape: it reads indexes only, never a
    // notification's row (each row carries its payload, about a page). Counting in-flight rows by lease_until and
    // taking min(received_at) looked up every pending row: 92 ms at a backlog of 60 000, during which no accept could
    // commit; now ~7 ms. One pass over the pending range gives the count and the oldest, the first to arrive (ids are
    // arrival order), whose received_at is then read through its id.
    internal const string CountSql = """
        SELECT
            pending.count,
            (SELECT count(*) FROM notifications INDEXED BY ix_notifications_leased WHERE state = 'pending' AND lease_until > $now),
            (SELECT count(*) FROM notifications WHERE state = 'failed'),
            (SELECT received_at FROM notifications WHERE id = pending.oldest)
        FROM (SELECT count(*) AS count, min(id) AS oldest FROM notifications INDEXED BY ix_notifications_due WHERE state = 'pending') AS pending
        """;

    public async Task<NotificationCounts> CountAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = CountSql;
            command.Parameters.AddWithValue("$now", NowMs());
            using var reader = command.ExecuteReader();
            reader.Read();
            return new NotificationCounts(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        }
        finally
        {
            _gate.Release();
        }
    }

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
    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var keyCutoff = (now - _options.DedupeRetention).ToUnixTimeMilliseconds();
        var deliveredCutoff = (now - _options.DeliveredRetention).ToUnixTimeMilliseconds();
        var failedCutoff = (now - _options.FailedRetention).ToUnixTimeMilliseconds();

        var keys = await DeleteInChunksAsync(
            "DELETE FROM dedupe_seen WHERE id IN (SELECT id FROM dedupe_seen WHERE seen_at < $cutoff LIMIT $chunk)",
            keyCutoff, cancellationToken).ConfigureAwait(false);
        keys += await DeleteInChunksAsync(
            "DELETE FROM dedupe_keys WHERE key IN (SELECT key FROM dedupe_keys WHERE seen_at < $cutoff LIMIT $chunk)",
            keyCutoff, cancellationToken).ConfigureAwait(false);
        // Memory forgets what the file no longer has (and what another process on it pruned).
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _seenKeys.Forget(keyCutoff);
        }
        finally
        {
            _gate.Release();
        }
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
        await DeleteInChunksAsync(
            "DELETE FROM slack_post_intents WHERE (source, group_key, channel) IN (SELECT source, group_key, channel FROM slack_post_intents WHERE recorded_at < $cutoff LIMIT $chunk)",
            deliveredCutoff, cancellationToken).ConfigureAwait(false);

        var result = new PruneResult(keys, delivered, failed);
        if (keys + delivered + failed > 0)
            StoreLog.Pruned(_logger, keys, delivered, failed);
        return result;
    }

    public void Dispose()
    {
        // The container disposes it once per registration it was resolved through (store, interface, Slack messages).
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
            return;
        // Accepts already queued are still committed; new ones are refused.
        _work.CompleteAdding();
        if (Thread.CurrentThread != _writer)
            _writer.Join();
        // Wait for a statement in flight rather than pulling the connection from under it.
        _gate.Wait();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            _seenKeys.Dispose();
            _statements.Dispose();
            _insertKey.Dispose();
            _insertNotification.Dispose();
            _groupPending.Dispose();
            _claimHeads.Dispose();
            _claimOne.Dispose();
            _connection.Dispose();
            _work.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>One statement on the writer thread (the Slack message records, written once per delivery).</summary>
    private Task ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = _statements.For(sql);
            bind(command);
            return command.ExecuteNonQuery();
        }, cancellationToken);

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
            $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};"));
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
        Message = "Alert store ready at {Path} (schema version {Version}, WAL, accepts synchronous=FULL)")]
    private static partial void LogReady(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Alert store schema migrated from version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, int from, int to);



}

/// <summary>Something for the store's writer thread: an accept for the next group commit, or one operation.</summary>
internal abstract record WriterWork;

/// <summary>An accept waiting for the next group commit.</summary>
internal sealed record QueuedAccept(AlertNotification Notification, IReadOnlyList<DedupeHash> Keys, string Payload) : WriterWork
{
    /// <summary>
    /// Everything of an accept that does not need the database (its dedupe keys and stored JSON), done on the
    /// caller's thread before queueing. The accept benchmark's intake-only server calls it too, so its bound pays
    /// exactly this.
    /// </summary>
    public static QueuedAccept For(AlertNotification notification) => new(
        notification,
        notification.DedupeKeys().Distinct(StringComparer.Ordinal).Select(SqliteSeenKeys.Hash).ToList(),
        JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification));

    // Continuations run asynchronously: completing 200 callers must not run their request pipelines inside the gate.
    public TaskCompletionSource<AcceptResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A store operation waiting for its turn on the writer thread.</summary>
internal abstract record WriterOperation : WriterWork
{
    /// <summary>Runs on the writer thread and answers the caller; never throws.</summary>
    public abstract void Run();
}

internal sealed record QueuedOperation<T>(Func<T> Work, CancellationToken CancellationToken) : WriterOperation
{
    // Continuations run asynchronously: the caller's code (a delivery) must never run on the writer thread.
    public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Run()
    {
        if (CancellationToken.IsCancellationRequested)
        {
            Result.TrySetCanceled(CancellationToken);
            return;
        }
        try
        {
            Result.TrySetResult(Work());
        }
        catch (Exception e)
        {
            Result.TrySetException(e);
        }
    }
}
