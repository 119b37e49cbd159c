using AlertLinker.Slack;
using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// The Slack sink's <see cref="ISlackStormStore"/> as the <c>slack_storms</c> and <c>slack_storm_members</c> tables in
/// the database every replica shares: one storm (one digest) per channel, whichever replicas its groups reach.
/// </summary>
internal sealed partial class PostgresAlertStore : ISlackStormStore
{
    public async Task RecordAloneAsync(string channel, string source, string groupKey, int alerts, DateTimeOffset arrivedAt, DateTimeOffset openSince, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockChannelAsync(connection, transaction, channel, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM slack_storm_alone WHERE channel = $1 AND arrived_at < $2")
        {
            Parameters = { new NpgsqlParameter { Value = channel }, new NpgsqlParameter { Value = openSince.ToUniversalTime() } },
        });
        // A storm another replica opened while this group was posted counts the group now (only once: a new row).
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            WITH added AS (
                INSERT INTO slack_storm_alone (channel, source, group_key, alerts, arrived_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING RETURNING alerts)
            UPDATE slack_storms SET earlier_groups = earlier_groups + 1, earlier_alerts = earlier_alerts + added.alerts
            FROM added WHERE channel = $1 AND last_arrival >= $6
            """)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = channel },
                new NpgsqlParameter { Value = source },
                new NpgsqlParameter { Value = groupKey },
                new NpgsqlParameter { Value = alerts },
                new NpgsqlParameter { Value = arrivedAt.ToUniversalTime() },
                new NpgsqlParameter { Value = openSince.ToUniversalTime() },
            },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SlackStormRecord?> OpenStormAsync(
        SlackStormRecord candidate, (string Source, string GroupKey) arriving, DateTimeOffset openSince, bool create, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Per channel, opening a storm and counting a group posted alone take turns: neither misses the other's row.
        await LockChannelAsync(connection, transaction, candidate.Channel, cancellationToken);
        if (create)
        {
            // The unique key decides between replicas opening at once: one inserts, the other finds its row below.
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO slack_storms (channel, storm_id, started_at, last_arrival, earlier_groups, earlier_alerts)
                SELECT $1, $2, $3, $4, count(*), coalesce(sum(alerts), 0) FROM slack_storm_alone
                WHERE channel = $1 AND arrived_at >= $5 AND NOT (source = $6 AND group_key = $7)
                ON CONFLICT (channel) DO NOTHING
                RETURNING earlier_groups, earlier_alerts
                """, connection, transaction);
            BindCandidate(insert.Parameters, candidate, openSince, arriving);
            SlackStormRecord? created = null;
            await using (var inserted = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await inserted.ReadAsync(cancellationToken).ConfigureAwait(false))
                    created = candidate with { EarlierGroups = inserted.GetInt32(0), EarlierAlerts = inserted.GetInt32(1), DigestTs = null, DigestChannel = null };
            }
            if (created is not null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return created;
            }
        }

        SlackStormRecord? open;
        await using (var read = new NpgsqlCommand(
            $"SELECT {StoredRows.SlackStormColumns} FROM slack_storms WHERE channel = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = candidate.Channel });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            open = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoredRows.SlackStorm(reader, Timestamptz) : null;
        }

        SlackStormRecord? result;
        if (open is not null && open.LastArrival >= openSince)
        {
            result = open.JoinedBy(candidate);
            await using var join = new NpgsqlCommand(
                "UPDATE slack_storms SET earlier_groups = $1, earlier_alerts = $2, last_arrival = $3 WHERE channel = $4",
                connection, transaction);
            join.Parameters.Add(new NpgsqlParameter { Value = result.EarlierGroups });
            join.Parameters.Add(new NpgsqlParameter { Value = result.EarlierAlerts });
            join.Parameters.Add(new NpgsqlParameter { Value = result.LastArrival.ToUniversalTime() });
            join.Parameters.Add(new NpgsqlParameter { Value = candidate.Channel });
            await join.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (create && open is not null)
        {
            // The channel keeps its latest storm only: the one over is forgotten with its members.
            await using var replace = new NpgsqlBatch(connection, transaction);
            replace.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM slack_storm_members WHERE storm_id = $1")
            {
                Parameters = { new NpgsqlParameter { Value = open.StormId } },
            });
            var update = new NpgsqlBatchCommand(
                """
                UPDATE slack_storms SET storm_id = $2, started_at = $3, last_arrival = $4,
                    earlier_groups = e.groups, earlier_alerts = e.alerts,
                    digest_ts = NULL, digest_channel = NULL, claim_owner = NULL, claim_until = NULL
                FROM (SELECT count(*)::integer AS groups, coalesce(sum(alerts), 0)::integer AS alerts FROM slack_storm_alone
                      WHERE channel = $1 AND arrived_at >= $5 AND NOT (source = $6 AND group_key = $7)) AS e
                WHERE channel = $1
                RETURNING earlier_groups, earlier_alerts
                """);
            BindCandidate(update.Parameters, candidate, openSince, arriving);
            replace.BatchCommands.Add(update);
            await using (var replaced = await replace.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                // The DELETE answers no rows: the UPDATE's RETURNING is the first result set with any.
                while (!await replaced.ReadAsync(cancellationToken).ConfigureAwait(false) && await replaced.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
                result = candidate with { EarlierGroups = replaced.GetInt32(0), EarlierAlerts = replaced.GetInt32(1), DigestTs = null, DigestChannel = null };
            }
        }
        else
            result = null;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task<SlackStormRecord?> FindStormAsync(string channel, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StoredRows.SlackStormColumns} FROM slack_storms WHERE channel = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoredRows.SlackStorm(reader, Timestamptz) : null;
    }

    public async Task<bool> ClaimDigestAsync(string stormId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // One statement: the row lock makes the test and the set one step for every replica.
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE slack_storms SET claim_owner = $2, claim_until = $3
            WHERE storm_id = $1 AND (claim_owner IS NULL OR claim_owner = $2 OR claim_until < $4)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stormId });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = until.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task ReleaseDigestAsync(string stormId, string owner, string? digestTs, string? digestChannel, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE slack_storms SET
                digest_ts = coalesce(digest_ts, $3),
                digest_channel = CASE WHEN digest_ts IS NULL THEN $4 ELSE digest_channel END,
                claim_until = CASE WHEN claim_owner = $2 THEN NULL ELSE claim_until END,
                claim_owner = CASE WHEN claim_owner = $2 THEN NULL ELSE claim_owner END
            WHERE storm_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stormId });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)digestTs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)digestChannel ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveStormMemberAsync(SlackStormMemberRecord member, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One statement, so one transaction: the member and the storm's latest arrival together.
        await using var command = _dataSource.CreateCommand(
            """
            WITH arrived AS (UPDATE slack_storms SET last_arrival = greatest(last_arrival, $9) WHERE storm_id = $1)
            INSERT INTO slack_storm_members (storm_id, source, group_key, name, services, alerts, status, detailed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (storm_id, source, group_key) DO UPDATE SET
                name = excluded.name, services = excluded.services, alerts = excluded.alerts, status = excluded.status,
                detailed = excluded.detailed
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = member.StormId });
        command.Parameters.Add(new NpgsqlParameter { Value = member.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = member.GroupKey });
        command.Parameters.Add(new NpgsqlParameter { Value = member.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)member.Services ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = member.Alerts });
        command.Parameters.Add(new NpgsqlParameter { Value = member.Status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = member.Detailed });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SlackStormMemberRecord>> StormMembersAsync(string stormId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {StoredRows.SlackStormMemberColumns} FROM slack_storm_members WHERE storm_id = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = stormId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var members = new List<SlackStormMemberRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            members.Add(StoredRows.SlackStormMember(reader));
        return members;
    }

    private static async Task LockChannelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string channel, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = "slack-storm\n" + channel });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void BindCandidate(NpgsqlParameterCollection parameters, SlackStormRecord candidate, DateTimeOffset openSince, (string Source, string GroupKey) arriving)
    {
        parameters.Add(new NpgsqlParameter { Value = candidate.Channel });
        parameters.Add(new NpgsqlParameter { Value = candidate.StormId });
        parameters.Add(new NpgsqlParameter { Value = candidate.Start.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter { Value = candidate.LastArrival.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter { Value = openSince.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter { Value = arriving.Source });
        parameters.Add(new NpgsqlParameter { Value = arriving.GroupKey });
    }
}
