using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// Which sinks already have a notification (the <c>sink_deliveries</c> table, migration 3), written only when more
/// than one sink is registered, shared by every replica; its rows go with their notification (ON DELETE CASCADE).
/// </summary>
internal sealed partial class PostgresAlertStore
{
    public async Task<IReadOnlySet<string>> DeliveredSinksAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT sink FROM sink_deliveries WHERE notification_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sinks = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            sinks.Add(reader.GetString(0));
        return sinks;
    }

    public async Task RecordSinkDeliveredAsync(long id, string sink, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO sink_deliveries (notification_id, sink, delivered_at)
            SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM notifications WHERE id = $1)
            ON CONFLICT (notification_id, sink) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = Now() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
