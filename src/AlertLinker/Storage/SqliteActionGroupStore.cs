using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlertLinker.Actions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AlertLinker.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>
/// <see cref="IActionGroupStore"/> in the same SQLite file as the alert store, in its own tables
/// (<c>action_groups</c>, <c>action_claims</c>) and on its own connection, so it is independent of the alert store's
/// schema versions: the tables are created if missing. Clicks are rare; one connection behind a gate is plenty.
/// </summary>
internal sealed class SqliteActionGroupStore : IActionGroupStore, IDisposable
{
    /// <summary>Claims older than this are pruned: Slack retries within seconds and refuses timestamps older than 5 minutes.</summary>
    internal static readonly TimeSpan ClaimRetention = TimeSpan.FromDays(1);

    /// <summary>A group no message rendered for this long is forgotten; its old buttons then say so when clicked.</summary>
    internal static readonly TimeSpan GroupRetention = TimeSpan.FromDays(90);

    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    internal const string Columns = "id, source, group_key, matchers, notification, silence_id, silence_ends_at, silence_by, silence_api_url";

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
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$id", NewId());
            command.Parameters.AddWithValue("$source", notification.Source);
            command.Parameters.AddWithValue("$group_key", notification.GroupKey);
            command.Parameters.AddWithValue("$matchers", MatchersJson(matchers));
            command.Parameters.AddWithValue("$notification", JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification));
            command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            reader.Read();
            return Read(reader, SqliteAlertStore.UnixMs);
        }, cancellationToken);

    public Task<ActionGroup?> FindAsync(string id, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM action_groups WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader, SqliteAlertStore.UnixMs) : null;
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
            prune.Parameters.AddWithValue("$claims_before", (now - ClaimRetention).ToUnixTimeMilliseconds());
            prune.Parameters.AddWithValue("$groups_before", (now - GroupRetention).ToUnixTimeMilliseconds());
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

    internal static string MatchersJson(IReadOnlyDictionary<string, string> matchers) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(matchers), ActionStoreJsonContext.Default.DictionaryStringString);

    /// <summary>A group from the <see cref="Columns"/> (the PostgreSQL store reads its rows the same way, its own time reader).</summary>
    internal static ActionGroup Read(System.Data.Common.DbDataReader reader, Func<System.Data.Common.DbDataReader, int, DateTimeOffset> time)
    {
        var matchers = JsonSerializer.Deserialize(reader.GetString(3), ActionStoreJsonContext.Default.DictionaryStringString) ?? [];
        var notification = JsonSerializer.Deserialize(reader.GetString(4), StorageJsonContext.Default.AlertNotification)
            ?? throw new InvalidDataException($"action_groups row {reader.GetString(0)} holds no notification");
        var silence = reader.IsDBNull(5)
            ? null
            : new GroupSilence(
                reader.GetString(5),
                time(reader, 6),
                reader.GetString(7),
                new Uri(reader.GetString(8)));
        return new ActionGroup(reader.GetString(0), notification, matchers, silence);
    }

    /// <summary>12 random base32 characters (60 bits): short in a button value, not guessable.</summary>
    internal static string NewId()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(12, bytes.ToArray(), (chars, random) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = alphabet[random[i] % alphabet.Length];
        });
    }
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ActionStoreJsonContext : JsonSerializerContext;

public static class ActionStoreRegistration
{
    /// <summary>
    /// The <see cref="IActionGroupStore"/> of the store <c>AlertLinker:Storage:Provider</c> names: tables action_groups
    /// and action_claims in the SQLite file, or in the PostgreSQL database every replica shares (so a button posted by
    /// one replica works when another receives the click). Opened only when first resolved.
    /// </summary>
    public static IServiceCollection AddActionGroupStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.TryAddSingleton<SqliteActionGroupStore>();
        services.AddPostgresAlertStore();
        services.TryAddSingleton<Postgres.PostgresActionGroupStore>();
        services.TryAddSingleton<IActionGroupStore>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Postgres
                ? sp.GetRequiredService<Postgres.PostgresActionGroupStore>()
                : sp.GetRequiredService<SqliteActionGroupStore>());
        return services;
    }
}
