using AlertLinker.Slack;
using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// The Slack sink's <see cref="ISlackMessageStore"/> as the <c>slack_messages</c> table: one row per alert group and
/// channel in the database every replica shares, so whichever replica delivers a group's next notification (say the
/// resolve) edits the message another replica posted, and replies in its thread.
/// </summary>
internal sealed partial class PostgresAlertStore : ISlackMessageStore
{
    public async Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT ts, thread_ts, status, updated_at, channel, detail_ts FROM slack_messages
            WHERE source = $1 AND group_key = $2
            ORDER BY channel = $3 DESC, updated_at DESC
            LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new SlackMessageRecord(
            source,
            groupKey,
            reader.GetString(4),
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            Enum.TryParse<AlertStatus>(reader.GetString(2), out var status) ? status : AlertStatus.Firing,
            reader.GetFieldValue<DateTimeOffset>(3))
        {
            DetailTs = reader.IsDBNull(5) ? null : reader.GetString(5),
        };
    }

    public async Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO slack_messages (source, group_key, channel, ts, thread_ts, status, updated_at, detail_ts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (source, group_key, channel) DO UPDATE SET
                ts = excluded.ts, thread_ts = excluded.thread_ts, status = excluded.status, updated_at = excluded.updated_at,
                detail_ts = excluded.detail_ts
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = record.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = record.GroupKey });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Ts });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.ThreadTs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = record.UpdatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.DetailTs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
