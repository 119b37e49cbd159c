namespace AlertLinker.Storage;

/// <summary>
/// Which sinks already have a notification (the <c>sink_deliveries</c> table, migration 5), written only when more
/// than one sink is registered; its rows go with their notification (a trigger, so pruning needs no change).
/// </summary>
internal sealed partial class SqliteAlertStore
{
    public async Task<IReadOnlySet<string>> DeliveredSinksAsync(long id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT sink FROM sink_deliveries WHERE notification_id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            var sinks = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
                sinks.Add(reader.GetString(0));
            return sinks;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RecordSinkDeliveredAsync(long id, string sink, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO sink_deliveries (notification_id, sink, delivered_at)
            SELECT $id, $sink, $now WHERE EXISTS (SELECT 1 FROM notifications WHERE id = $id)
            ON CONFLICT (notification_id, sink) DO NOTHING
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$sink", sink);
                command.Parameters.AddWithValue("$now", NowMs());
            },
            cancellationToken);
}
