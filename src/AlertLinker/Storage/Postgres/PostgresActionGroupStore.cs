using System.Text.Json;
using AlertLinker.Actions;
using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// <see cref="IActionGroupStore"/> on the PostgreSQL database the alert store uses (its pool, its migrations: tables
/// <c>action_groups</c> and <c>action_claims</c>, schema version 4), so every replica resolves the same button ids and a
/// click Slack sends twice, or to two replicas, runs once. Rows mean what they mean in the SQLite store.
/// </summary>
internal sealed class PostgresActionGroupStore(PostgresAlertStore store, TimeProvider time) : IActionGroupStore
{
    private readonly NpgsqlDataSource _dataSource = store.DataSource;

    public async Task<ActionGroup> RegisterAsync(AlertNotification notification, IReadOnlyDictionary<string, string> matchers, CancellationToken cancellationToken)
    {
        // The id is made once per group and kept: re-rendered messages keep working buttons.
        await using var command = _dataSource.CreateCommand(
            $"""
            INSERT INTO action_groups (id, source, group_key, matchers, notification, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (source, group_key) DO UPDATE SET
                matchers = excluded.matchers, notification = excluded.notification, updated_at = excluded.updated_at
            RETURNING {ActionGroupRows.Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ActionGroupRows.NewId() });
        command.Parameters.Add(new NpgsqlParameter { Value = notification.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = notification.GroupKey });
        command.Parameters.Add(new NpgsqlParameter { Value = ActionGroupRows.MatchersJson(matchers) });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(notification, StorageJsonContext.Default.AlertNotification) });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ActionGroupRows.Read(reader, PostgresAlertStore.Timestamptz);
    }

    public async Task<ActionGroup?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {ActionGroupRows.Columns} FROM action_groups WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ActionGroupRows.Read(reader, PostgresAlertStore.Timestamptz) : null;
    }

    public async Task SetSilenceAsync(string id, GroupSilence? silence, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE action_groups SET silence_id = $2, silence_ends_at = $3, silence_by = $4, silence_api_url = $5, updated_at = $6
            WHERE id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)silence?.SilenceId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)silence?.EndsAt.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)silence?.CreatedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)silence?.ApiUrl.AbsoluteUri ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryClaimAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Pruned here, where writes are rare (a click), not on the render path.
        await using (var prune = _dataSource.CreateCommand("DELETE FROM action_claims WHERE claimed_at < $1"))
        {
            prune.Parameters.Add(new NpgsqlParameter { Value = (now - ActionGroupRows.ClaimRetention).ToUniversalTime() });
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var prune = _dataSource.CreateCommand("DELETE FROM action_groups WHERE updated_at < $1"))
        {
            prune.Parameters.Add(new NpgsqlParameter { Value = (now - ActionGroupRows.GroupRetention).ToUniversalTime() });
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        // A unique key, not check-then-insert: two replicas receiving the same click cannot both win.
        await using var claim = _dataSource.CreateCommand("INSERT INTO action_claims (key, claimed_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING");
        claim.Parameters.Add(new NpgsqlParameter { Value = key });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        return await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
