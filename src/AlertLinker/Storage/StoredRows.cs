using System.Data.Common;
using AlertLinker.Slack;

namespace AlertLinker.Storage;

/// <summary>
/// The rows both stores keep, read the same way: the SQLite and PostgreSQL stores differ in their SQL dialect and in
/// how a time is stored (unix milliseconds, timestamptz), not in what a row means. Each store passes its time reader.
/// </summary>
internal static class StoredRows
{
    /// <summary>
    /// What a retry of failed notifications did: logs the requeue, and names the asked-for ids that were not failed.
    /// </summary>
    public static RetryResult Retried(
        ILogger logger, IReadOnlyCollection<long>? ids, List<long> requeued, List<long> superseded, HashSet<long> failed)
    {
        if (requeued.Count > 0)
            StoreLog.Requeued(logger, requeued.Count, superseded.Count);
        var notFailed = ids?.Where(id => !failed.Contains(id)).Distinct().Order().ToList() ?? [];
        return new RetryResult(requeued, superseded, notFailed);
    }

    /// <summary>The columns <see cref="Notification"/> reads, in its order.</summary>
    public const string RecordColumns =
        "id, source, group_key, status, state, attempts, received_at, next_attempt_at, last_error, delivered_at, claim_owner, lease_until";

    /// <summary>
    /// The condition selecting each state asked for, joined with OR; <paramref name="now"/> names the parameter holding
    /// the store's now (in flight: pending with a lease still running). Null when no state was asked for.
    /// </summary>
    public static string? StateCondition(IReadOnlySet<NotificationState> states, string now)
    {
        var conditions = states.Select(state => state switch
        {
            NotificationState.Pending => $"(state = 'pending' AND (lease_until IS NULL OR lease_until <= {now}))",
            NotificationState.InFlight => $"(state = 'pending' AND lease_until > {now})",
            NotificationState.Delivered => "state = 'delivered'",
            NotificationState.Failed => "state = 'failed'",
            _ => throw new ArgumentOutOfRangeException(nameof(states), state, "unknown state"),
        }).ToList();
        return conditions.Count == 0 ? null : string.Join(" OR ", conditions);
    }

    /// <summary>A notification's record from the <see cref="RecordColumns"/>; the claim shows only while its lease runs.</summary>
    public static NotificationRecord Notification(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time, DateTimeOffset now)
    {
        DateTimeOffset? Time(int column) => reader.IsDBNull(column) ? null : time(reader, column);
        var lease = Time(11);
        var state = reader.GetString(4) switch
        {
            "delivered" => NotificationState.Delivered,
            "failed" => NotificationState.Failed,
            _ when lease > now => NotificationState.InFlight,
            _ => NotificationState.Pending,
        };
        var inFlight = state == NotificationState.InFlight;
        return new NotificationRecord(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            Enum.TryParse<AlertStatus>(reader.GetString(3), out var status) ? status : AlertStatus.Firing,
            state,
            reader.GetInt32(5),
            time(reader, 6),
            Time(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            Time(9),
            inFlight && !reader.IsDBNull(10) ? reader.GetString(10) : null,
            inFlight ? lease : null);
    }

    /// <summary>The columns <see cref="SlackMessage"/> reads, in its order.</summary>
    public const string SlackMessageColumns = "ts, thread_ts, status, updated_at, channel, detail_ts";

    /// <summary>A group's Slack message from the <see cref="SlackMessageColumns"/>.</summary>
    public static SlackMessageRecord SlackMessage(DbDataReader reader, string source, string groupKey, Func<DbDataReader, int, DateTimeOffset> time) =>
        new(source,
            groupKey,
            reader.GetString(4),
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            Enum.TryParse<AlertStatus>(reader.GetString(2), out var status) ? status : AlertStatus.Firing,
            time(reader, 3))
        {
            DetailTs = reader.IsDBNull(5) ? null : reader.GetString(5),
        };

    /// <summary>The columns <see cref="SlackStorm"/> reads, in its order.</summary>
    public const string SlackStormColumns = "channel, storm_id, started_at, last_arrival, earlier_groups, earlier_alerts, digest_ts, digest_channel";

    /// <summary>A channel's storm from the <see cref="SlackStormColumns"/>.</summary>
    public static SlackStormRecord SlackStorm(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time) =>
        new(reader.GetString(0),
            reader.GetString(1),
            time(reader, 2),
            time(reader, 3),
            reader.GetInt32(4),
            reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7));

    /// <summary>The columns <see cref="SlackStormMember"/> reads, in its order.</summary>
    public const string SlackStormMemberColumns = "storm_id, source, group_key, name, services, alerts, status, detailed";

    /// <summary>A storm's group from the <see cref="SlackStormMemberColumns"/>.</summary>
    public static SlackStormMemberRecord SlackStormMember(DbDataReader reader) =>
        new(reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetInt32(5),
            Enum.TryParse<AlertStatus>(reader.GetString(6), out var status) ? status : AlertStatus.Firing,
            reader.GetBoolean(7));
}
