using System.Text.Json;
using AlertLinker.Actions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>
/// <see cref="IActionGroupStore"/> in the same SQLite file as the alert store, in its own tables
/// (<c>action_groups</c>, <c>action_claims</c>) and on its own connection, so it is independent of the alert store's
/// schema versions: the tables are created if missing. Clicks are rare; one connection behind a gate is plenty.
/// </summary>
internal sealed class SqliteActionGroupStore : IActionGroupStore, IDisposable
{

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS action_groups (
            id              TEXT    PRIMARY KEY,   -- the short random id a button carries
            source          TEXT    NOT NULL,
            group_key       TEXT    NOT NULL,
            matchers        TEXT    NOT NULL,      -- JSON object: label -> value
            notification    TEXT    NOT NULL,      -- AlertNotification as JSON, as last rendered
            silence_id      TEXT,
            silence_ends_at INTEGER,               -- unix ms
            silence_by      TEXT,
            silence_api_url TEXT,
            updated_at      INTEGER NOT NULL,      -- unix ms
            UNIQUE (source, group_key)
        );
        CREATE TABLE IF NOT EXISTS action_claims (
            key        TEXT    PRIMARY KEY,
            claimed_at INTEGER NOT NULL            -- unix ms
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_action_claims_claimed_at ON action_claims (claimed_at);
        CREATE INDEX IF NOT EXISTS ix_action_groups_updated_at ON action_groups (updated_at);
        """;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    public SqliteActionGroupStore(IOptions<StorageOptions> options, TimeProvider time)
    {
        _time = time;
        var fullPath = options.Value.FullPath;
        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } folder)
            Directory.CreateDirectory(folder);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.Value.BusyTimeout.TotalSeconds)),
        }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(int)options.Value.BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; {Schema}";
        command.ExecuteNonQuery();
    }

    public Task<ActionGroup> RegisterAsync(AlertNotification notification, IReadOnlyDictionary<string, string> matchers, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            using var command = _connection.CreateCommand();
            // The id is made once per group and kept: re-rendered messages keep working buttons.
            command.CommandText = $"""
                INSERT INTO action_groups (id, source, group_key, matchers, notification, updated_at)
                VALUES ($id, $source, $group_key, $matchers, $notification, $now)
                ON CONFLICT (source, group_key) DO UPDATE SET
                    matchers = excluded.matchers, notification = excluded.notification, updated_at = excluded.updated_at
                RETURNING {ActionGroupRows.Columns}
                """;
            command.Parameters.AddWithValue("$id", ActionGroupRows.NewId());
            command.Parameters.AddWithValue("$source", notification.Source);
            command.Parameters.AddWithValue("$group_key", notification.GroupKey);
            command.Parameters.AddWithValue("$matchers", ActionGroupRows.MatchersJson(matchers));
            command.Parameters.AddWithValue("$notification", JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification));
            command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            reader.Read();
            return ActionGroupRows.Read(reader, SqliteAlertStore.UnixMs);
        }, cancellationToken);

    public Task<ActionGroup?> FindAsync(string id, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {ActionGroupRows.Columns} FROM action_groups WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ActionGroupRows.Read(reader, SqliteAlertStore.UnixMs) : null;
        }, cancellationToken);

    public Task SetSilenceAsync(string id, GroupSilence? silence, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                UPDATE action_groups SET silence_id = $silence_id, silence_ends_at = $ends_at, silence_by = $by,
                    silence_api_url = $api_url, updated_at = $now
                WHERE id = $id
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$silence_id", (object?)silence?.SilenceId ?? DBNull.Value);
            command.Parameters.AddWithValue("$ends_at", (object?)silence?.EndsAt.ToUnixTimeMilliseconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$by", (object?)silence?.CreatedBy ?? DBNull.Value);
            command.Parameters.AddWithValue("$api_url", (object?)silence?.ApiUrl.AbsoluteUri ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> TryClaimAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            using var transaction = _connection.BeginTransaction();
            using var prune = _connection.CreateCommand();
            prune.Transaction = transaction;
            // Pruned here, where writes are rare (a click), not on the render path.
            prune.CommandText = "DELETE FROM action_claims WHERE claimed_at < $claims_before; DELETE FROM action_groups WHERE updated_at < $groups_before";
            prune.Parameters.AddWithValue("$claims_before", (now - ActionGroupRows.ClaimRetention).ToUnixTimeMilliseconds());
            prune.Parameters.AddWithValue("$groups_before", (now - ActionGroupRows.GroupRetention).ToUnixTimeMilliseconds());
            prune.ExecuteNonQuery();
            using var claim = _connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = "INSERT INTO action_claims (key, claimed_at) VALUES ($key, $now) ON CONFLICT (key) DO NOTHING";
            claim.Parameters.AddWithValue("$key", key);
            claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            var claimed = claim.ExecuteNonQuery() == 1;
            transaction.Commit();
            return claimed;
        }, cancellationToken);

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private async Task<T> LockedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            _gate.Release();
        }
    }

}
