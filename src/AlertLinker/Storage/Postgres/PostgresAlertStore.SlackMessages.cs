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
            $"""
            SELECT {StoredRows.SlackMessageColumns} FROM slack_messages
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
        return StoredRows.SlackMessage(reader, source, groupKey, Timestamptz);
    }

    public async Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SaveSql);
        BindRecord(command.Parameters, record);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken)
    {
        // Two statements, not one with a CTE: a row another replica committed meanwhile is seen by the second
        // statement's snapshot, where a CTE's outer query would miss it.
        await using (var insert = _dataSource.CreateCommand(
            """
            INSERT INTO slack_post_intents (source, group_key, channel, delivery_id, recorded_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (source, group_key, channel) DO NOTHING
            """))
        {
            BindIntent(insert.Parameters, intent);
            insert.Parameters.Add(new NpgsqlParameter { Value = intent.DeliveryId });
            insert.Parameters.Add(new NpgsqlParameter { Value = intent.RecordedAt.ToUniversalTime() });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var read = _dataSource.CreateCommand(
            "SELECT delivery_id, recorded_at FROM slack_post_intents WHERE source = $1 AND group_key = $2 AND channel = $3");
        BindIntent(read.Parameters, intent);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? intent with { DeliveryId = reader.GetString(0), RecordedAt = reader.GetFieldValue<DateTimeOffset>(1) }
            : intent;
    }

    public async Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken)
    {
        // One statement, so one transaction: the record and the closed intent are seen together or not at all.
        await using var command = _dataSource.CreateCommand(
            """
            WITH closed AS (
                DELETE FROM slack_post_intents WHERE source = $9 AND group_key = $10 AND channel = $11 AND delivery_id = $12)
            """ + SaveSql);
        BindRecord(command.Parameters, record);
        BindIntent(command.Parameters, intent);
        command.Parameters.Add(new NpgsqlParameter { Value = intent.DeliveryId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private const string SaveSql = """
        INSERT INTO slack_messages (source, group_key, channel, ts, thread_ts, status, updated_at, detail_ts)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (source, group_key, channel) DO UPDATE SET
            ts = excluded.ts, thread_ts = excluded.thread_ts, status = excluded.status, updated_at = excluded.updated_at,
            detail_ts = excluded.detail_ts
        """;

    private static void BindIntent(NpgsqlParameterCollection parameters, SlackPostIntent intent)
    {
        parameters.Add(new NpgsqlParameter { Value = intent.Source });
        parameters.Add(new NpgsqlParameter { Value = intent.GroupKey });
        parameters.Add(new NpgsqlParameter { Value = intent.Channel });
    }

    private static void BindRecord(NpgsqlParameterCollection parameters, SlackMessageRecord record)
    {
        parameters.Add(new NpgsqlParameter { Value = record.Source });
        parameters.Add(new NpgsqlParameter { Value = record.GroupKey });
        parameters.Add(new NpgsqlParameter { Value = record.Channel });
        parameters.Add(new NpgsqlParameter { Value = record.Ts });
        parameters.Add(new NpgsqlParameter { Value = (object?)record.ThreadTs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = record.Status.ToString() });
        parameters.Add(new NpgsqlParameter { Value = record.UpdatedAt.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter { Value = (object?)record.DetailTs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
    }
}
