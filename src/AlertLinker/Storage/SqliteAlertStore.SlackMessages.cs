using AlertLinker.Slack;

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
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT ts, thread_ts, status, updated_at, channel, detail_ts FROM slack_messages
                WHERE source = $source AND group_key = $group_key
                ORDER BY channel = $channel DESC, updated_at DESC
                LIMIT 1
                """;
            command.Parameters.AddWithValue("$source", source);
            command.Parameters.AddWithValue("$group_key", groupKey);
            command.Parameters.AddWithValue("$channel", channel);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            return new SlackMessageRecord(
                source,
                groupKey,
                reader.GetString(4),
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                Enum.TryParse<AlertStatus>(reader.GetString(2), out var status) ? status : AlertStatus.Firing,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            {
                DetailTs = reader.IsDBNull(5) ? null : reader.GetString(5),
            };
        }, cancellationToken);

    public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO slack_messages (source, group_key, channel, ts, thread_ts, status, updated_at, detail_ts)
            VALUES ($source, $group_key, $channel, $ts, $thread_ts, $status, $updated_at, $detail_ts)
            ON CONFLICT (source, group_key, channel) DO UPDATE SET
                ts = excluded.ts, thread_ts = excluded.thread_ts, status = excluded.status, updated_at = excluded.updated_at,
                detail_ts = excluded.detail_ts
            """,
            command =>
            {
                command.Parameters.AddWithValue("$source", record.Source);
                command.Parameters.AddWithValue("$group_key", record.GroupKey);
                command.Parameters.AddWithValue("$channel", record.Channel);
                command.Parameters.AddWithValue("$ts", record.Ts);
                command.Parameters.AddWithValue("$thread_ts", (object?)record.ThreadTs ?? DBNull.Value);
                command.Parameters.AddWithValue("$status", record.Status.ToString());
                command.Parameters.AddWithValue("$updated_at", record.UpdatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$detail_ts", (object?)record.DetailTs ?? DBNull.Value);
            },
            cancellationToken);
}
