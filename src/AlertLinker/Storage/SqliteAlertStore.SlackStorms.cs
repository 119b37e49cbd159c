using AlertLinker.Slack;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Storage;

/// <summary>
/// The Slack sink's <see cref="ISlackStormStore"/> as the <c>slack_storms</c> and <c>slack_storm_members</c> tables
/// (migration 7). Every statement runs on the writer thread, one at a time on the one connection, so the read and the
/// write of opening a storm are not interleaved with another's.
/// </summary>
internal sealed partial class SqliteAlertStore : ISlackStormStore
{
    public Task RecordAloneAsync(string channel, string source, string groupKey, int alerts, DateTimeOffset arrivedAt, DateTimeOffset openSince, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            var insert = Command("""
                DELETE FROM slack_storm_alone WHERE channel = $channel AND arrived_at < $open_since;
                INSERT INTO slack_storm_alone (channel, source, group_key, alerts, arrived_at)
                VALUES ($channel, $source, $group_key, $alerts, $arrived_at) ON CONFLICT DO NOTHING;
                SELECT changes();
                """, transaction);
            insert.Parameters.AddWithValue("$channel", channel);
            insert.Parameters.AddWithValue("$source", source);
            insert.Parameters.AddWithValue("$group_key", groupKey);
            insert.Parameters.AddWithValue("$alerts", alerts);
            insert.Parameters.AddWithValue("$arrived_at", arrivedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$open_since", openSince.ToUnixTimeMilliseconds());
            if (Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                // A storm another process opened while this group was posted: it counts the group now.
                var count = Command("""
                    UPDATE slack_storms SET earlier_groups = earlier_groups + 1, earlier_alerts = earlier_alerts + $alerts
                    WHERE channel = $channel AND last_arrival >= $open_since
                    """, transaction);
                count.Parameters.AddWithValue("$channel", channel);
                count.Parameters.AddWithValue("$alerts", alerts);
                count.Parameters.AddWithValue("$open_since", openSince.ToUnixTimeMilliseconds());
                count.ExecuteNonQuery();
            }
            transaction.Commit();
            return 0;
        }, cancellationToken);

    public Task<SlackStormRecord?> OpenStormAsync(
        SlackStormRecord candidate, (string Source, string GroupKey) arriving, DateTimeOffset openSince, bool create, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            var open = ReadStorm(candidate.Channel, transaction);
            SlackStormRecord? result;
            if (open is not null && open.LastArrival >= openSince)
            {
                result = open.JoinedBy(candidate);
                var join = Command(
                    "UPDATE slack_storms SET earlier_groups = $groups, earlier_alerts = $alerts, last_arrival = $last WHERE channel = $channel",
                    transaction);
                join.Parameters.AddWithValue("$groups", result.EarlierGroups);
                join.Parameters.AddWithValue("$alerts", result.EarlierAlerts);
                join.Parameters.AddWithValue("$last", result.LastArrival.ToUnixTimeMilliseconds());
                join.Parameters.AddWithValue("$channel", candidate.Channel);
                join.ExecuteNonQuery();
            }
            else if (create)
            {
                // The channel keeps its latest storm only: the one over is forgotten with its members.
                var replace = Command("""
                    DELETE FROM slack_storm_members WHERE storm_id IN (SELECT storm_id FROM slack_storms WHERE channel = $channel);
                    INSERT OR REPLACE INTO slack_storms (channel, storm_id, started_at, last_arrival, earlier_groups, earlier_alerts)
                    SELECT $channel, $storm_id, $started_at, $last, count(*), coalesce(sum(alerts), 0) FROM slack_storm_alone
                    WHERE channel = $channel AND arrived_at >= $open_since AND NOT (source = $source AND group_key = $group_key);
                    SELECT earlier_groups, earlier_alerts FROM slack_storms WHERE channel = $channel;
                    """, transaction);
                replace.Parameters.AddWithValue("$channel", candidate.Channel);
                replace.Parameters.AddWithValue("$storm_id", candidate.StormId);
                replace.Parameters.AddWithValue("$started_at", candidate.Start.ToUnixTimeMilliseconds());
                replace.Parameters.AddWithValue("$last", candidate.LastArrival.ToUnixTimeMilliseconds());
                replace.Parameters.AddWithValue("$open_since", openSince.ToUnixTimeMilliseconds());
                replace.Parameters.AddWithValue("$source", arriving.Source);
                replace.Parameters.AddWithValue("$group_key", arriving.GroupKey);
                using var reader = replace.ExecuteReader();
                reader.Read();
                result = candidate with { EarlierGroups = reader.GetInt32(0), EarlierAlerts = reader.GetInt32(1), DigestTs = null, DigestChannel = null };
            }
            else
                result = null;
            transaction.Commit();
            return result;
        }, cancellationToken);

    public Task<SlackStormRecord?> FindStormAsync(string channel, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadStorm(channel, transaction: null);
        }, cancellationToken);

    public Task<bool> ClaimDigestAsync(string stormId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = Command("""
                UPDATE slack_storms SET claim_owner = $owner, claim_until = $until
                WHERE storm_id = $storm_id AND (claim_owner IS NULL OR claim_owner = $owner OR claim_until < $now)
                """, transaction: null);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$storm_id", stormId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task ReleaseDigestAsync(string stormId, string owner, string? digestTs, string? digestChannel, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = Command("""
                UPDATE slack_storms SET
                    digest_ts = coalesce(digest_ts, $digest_ts),
                    digest_channel = CASE WHEN digest_ts IS NULL THEN $digest_channel ELSE digest_channel END,
                    claim_until = CASE WHEN claim_owner = $owner THEN NULL ELSE claim_until END,
                    claim_owner = CASE WHEN claim_owner = $owner THEN NULL ELSE claim_owner END
                WHERE storm_id = $storm_id
                """, transaction: null);
            command.Parameters.AddWithValue("$digest_ts", (object?)digestTs ?? DBNull.Value);
            command.Parameters.AddWithValue("$digest_channel", (object?)digestChannel ?? DBNull.Value);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$storm_id", stormId);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task SaveStormMemberAsync(SlackStormMemberRecord member, DateTimeOffset at, CancellationToken cancellationToken) =>
        OnWriterAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            var command = Command("""
                INSERT INTO slack_storm_members (storm_id, source, group_key, name, services, alerts, status, detailed)
                VALUES ($storm_id, $source, $group_key, $name, $services, $alerts, $status, $detailed)
                ON CONFLICT (storm_id, source, group_key) DO UPDATE SET
                    name = excluded.name, services = excluded.services, alerts = excluded.alerts, status = excluded.status,
                    detailed = excluded.detailed;
                UPDATE slack_storms SET last_arrival = max(last_arrival, $at) WHERE storm_id = $storm_id;
                """, transaction);
            command.Parameters.AddWithValue("$storm_id", member.StormId);
            command.Parameters.AddWithValue("$source", member.Source);
            command.Parameters.AddWithValue("$group_key", member.GroupKey);
            command.Parameters.AddWithValue("$name", member.Name);
            command.Parameters.AddWithValue("$services", (object?)member.Services ?? DBNull.Value);
            command.Parameters.AddWithValue("$alerts", member.Alerts);
            command.Parameters.AddWithValue("$status", member.Status.ToString());
            command.Parameters.AddWithValue("$detailed", member.Detailed ? 1 : 0);
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            transaction.Commit();
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<SlackStormMemberRecord>> StormMembersAsync(string stormId, CancellationToken cancellationToken) =>
        OnWriterAsync<IReadOnlyList<SlackStormMemberRecord>>(() =>
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var command = Command(
                $"SELECT {StoredRows.SlackStormMemberColumns} FROM slack_storm_members WHERE storm_id = $storm_id ORDER BY id",
                transaction: null);
            command.Parameters.AddWithValue("$storm_id", stormId);
            using var reader = command.ExecuteReader();
            var members = new List<SlackStormMemberRecord>();
            while (reader.Read())
                members.Add(StoredRows.SlackStormMember(reader));
            return members;
        }, cancellationToken);

    private SlackStormRecord? ReadStorm(string channel, SqliteTransaction? transaction)
    {
        var command = Command($"SELECT {StoredRows.SlackStormColumns} FROM slack_storms WHERE channel = $channel", transaction);
        command.Parameters.AddWithValue("$channel", channel);
        using var reader = command.ExecuteReader();
        return reader.Read() ? StoredRows.SlackStorm(reader, UnixMs) : null;
    }

    /// <summary>The store's prepared command for <paramref name="sql"/> (see <see cref="SqliteStatements"/>): not to be disposed.</summary>
    private SqliteCommand Command(string sql, SqliteTransaction? transaction) => _statements.For(sql, transaction);
}
