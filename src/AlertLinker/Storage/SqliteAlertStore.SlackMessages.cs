using AlertLinker.Slack;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Storage;

/// <summary>
/// The Slack sink's <see cref="ISlackMessageStore"/> as the <c>slack_messages</c> table (migration 2): one row per alert
/// group and channel, in the same file as the queue, so a restart keeps editing the same messages.
/// </summary>
internal sealed partial class SqliteAlertStore : ISlackMessageStore
{
    // On the writer thread (see SqliteAlertStore): every delivery looks its group's message up.
    public Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = _statements.For(FindSlackMessageSql);
            command.Parameters.AddWithValue("$source", source);
            command.Parameters.AddWithValue("$group_key", groupKey);
            command.Parameters.AddWithValue("$channel", channel);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            return StoredRows.SlackMessage(reader, source, groupKey, UnixMs);
        }, cancellationToken);

    public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken) =>
        ExecuteAsync(SaveSql, command => BindRecord(command, record), cancellationToken);

    public async Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // One connection behind the gate: the insert and the read are not interleaved with another writer.
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO slack_post_intents (source, group_key, channel, delivery_id, recorded_at)
                VALUES ($source, $group_key, $channel, $delivery_id, $recorded_at)
                ON CONFLICT (source, group_key, channel) DO NOTHING;
                SELECT delivery_id, recorded_at FROM slack_post_intents
                WHERE source = $source AND group_key = $group_key AND channel = $channel;
                """;
            BindIntent(command, intent);
            command.Parameters.AddWithValue("$delivery_id", intent.DeliveryId);
            command.Parameters.AddWithValue("$recorded_at", intent.RecordedAt.ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? intent with { DeliveryId = reader.GetString(0), RecordedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)) }
                : intent;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SaveSql + """
                ;
                DELETE FROM slack_post_intents
                WHERE source = $intent_source AND group_key = $intent_group_key AND channel = $intent_channel AND delivery_id = $delivery_id;
                """;
            BindRecord(command, record);
            command.Parameters.AddWithValue("$intent_source", intent.Source);
            command.Parameters.AddWithValue("$intent_group_key", intent.GroupKey);
            command.Parameters.AddWithValue("$intent_channel", intent.Channel);
            command.Parameters.AddWithValue("$delivery_id", intent.DeliveryId);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    private const string FindSlackMessageSql = $"""
        SELECT {StoredRows.SlackMessageColumns} FROM slack_messages
        WHERE source = $source AND group_key = $group_key
        ORDER BY channel = $channel DESC, updated_at DESC
        LIMIT 1
        """;

    private const string SaveSql = """
        INSERT INTO slack_messages (source, group_key, channel, ts, thread_ts, status, updated_at, detail_ts)
        VALUES ($source, $group_key, $channel, $ts, $thread_ts, $status, $updated_at, $detail_ts)
        ON CONFLICT (source, group_key, channel) DO UPDATE SET
            ts = excluded.ts, thread_ts = excluded.thread_ts, status = excluded.status, updated_at = excluded.updated_at,
            detail_ts = excluded.detail_ts
        """;

    private static void BindIntent(SqliteCommand command, SlackPostIntent intent)
    {
        command.Parameters.AddWithValue("$source", intent.Source);
        command.Parameters.AddWithValue("$group_key", intent.GroupKey);
        command.Parameters.AddWithValue("$channel", intent.Channel);
    }

    private static void BindRecord(SqliteCommand command, SlackMessageRecord record)
    {
        command.Parameters.AddWithValue("$source", record.Source);
        command.Parameters.AddWithValue("$group_key", record.GroupKey);
        command.Parameters.AddWithValue("$channel", record.Channel);
        command.Parameters.AddWithValue("$ts", record.Ts);
        command.Parameters.AddWithValue("$thread_ts", (object?)record.ThreadTs ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", record.Status.ToString());
        command.Parameters.AddWithValue("$updated_at", record.UpdatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$detail_ts", (object?)record.DetailTs ?? DBNull.Value);
    }
}
