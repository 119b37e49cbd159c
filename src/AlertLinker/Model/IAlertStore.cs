using System.Text.Json.Serialization;

namespace AlertLinker.Model;

/// <summary>
/// The durable queue between accepting a webhook and delivering it, kept by one or more processes at once.
/// <para>
/// Accept writes before the 202. Delivery <em>claims</em> due work instead of reading it: a claim names its owner
/// and holds a lease; the owner renews the lease while it works and settles the claim (delivered, failed, retry
/// later, released). A lease that runs out — its owner died or hung — makes the work claimable again, by anyone.
/// </para>
/// <para>
/// Order per alert group: only the oldest unfinished notification of a group can be claimed, and only while no
/// other notification of the group is claimed; so a group is handed out in arrival order and never two at a time.
/// (A SQL store can keep this with one claim statement; PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>.)
/// </para>
/// <para>
/// Times (due, lease expiry, retention) are the store's clock. Every implementation passes the contract test suite
/// (tests/AlertLinker.Tests/Storage/AlertStoreContract.cs).
/// </para>
/// </summary>
public interface IAlertStore
{
    /// <summary>
    /// Stores the notification unless every alert in it was seen before (same dedupe key), exactly also when the
    /// same notification arrives many times at once. Returns once it is durable. Throws only when the store cannot
    /// write (the caller answers 503 so the sender retries).
    /// </summary>
    Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due notifications for <paramref name="owner"/>, oldest first, each leased
    /// for <paramref name="lease"/>. Due: pending, its next attempt time reached, not claimed (or its lease ran out),
    /// the oldest unfinished of its group, and no other notification of its group claimed.
    /// </summary>
    Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the claim's lease to <paramref name="lease"/> from now; false when the claim is no longer the owner's.</summary>
    Task<bool> RenewLeaseAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives a claim back without an attempt being counted (shutting down mid-delivery): due again at once.</summary>
    Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a claim back without an attempt being counted, due again at <paramref name="dueAt"/>: the sink asked to be
    /// asked later (a storm member waiting for its digest), which is not a failure and must never exhaust the attempts.
    /// </summary>
    Task<bool> DeferAsync(long id, string owner, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Settles the owner's claim as delivered; false (and nothing changed) when the claim is not the owner's.</summary>
    Task<bool> MarkDeliveredAsync(long id, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Settles the owner's claim as a failed attempt: <paramref name="retryAt"/> is when it is due again, null means
    /// it will never succeed (kept, visible as failed, not retried). False when the claim is not the owner's.
    /// </summary>
    Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>
    /// Puts failed notifications back to pending, due now, with their attempts counted from zero: those with the
    /// given ids, or every failed one when <paramref name="ids"/> is null. A failed notification whose group has a
    /// later notification delivered or claimed is not put back (delivering it now would show an older state).
    /// </summary>
    Task<RetryResult> RetryFailedAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken);

    /// <summary>One notification's bookkeeping; null when there is no such notification (never was, or pruned).</summary>
    Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Notifications in any of <paramref name="states"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<NotificationRecord>> ListAsync(IReadOnlySet<NotificationState> states, int limit, CancellationToken cancellationToken);

    /// <summary>The backlog: cheap enough to read on every metrics scrape.</summary>
    Task<NotificationCounts> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Forgets dedupe keys, delivered and failed notifications (and remembered messages) past their retention.
    /// Never pending or claimed work. In small steps, so accepts interleave.
    /// </summary>
    Task<PruneResult> PruneAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The sinks (<see cref="IAlertSink.Name"/>) that already have notification <paramref name="id"/>, as recorded by
    /// <see cref="RecordSinkDeliveredAsync"/>; empty when none has, or there is no such notification.
    /// </summary>
    Task<IReadOnlySet<string>> DeliveredSinksAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="sink"/> has notification <paramref name="id"/>, so a later attempt (a retry, another
    /// process after a lease ran out) delivers only to the other sinks. Idempotent; forgotten when the notification is pruned.
    /// Only used when more than one sink is registered.
    /// </summary>
    Task RecordSinkDeliveredAsync(long id, string sink, CancellationToken cancellationToken);

    /// <summary>True when the store answers queries (readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Told after an accept, so the delivery stage can start at once instead of at its next poll. The delivery stage
/// implements it; whoever accepted calls it (the store never does: it would wake only its own process anyway).
/// </summary>
public interface IAcceptListener
{
    void Accepted(AcceptResult result);
}

/// <param name="NotificationId">The stored notification, or null when all of its alerts were duplicates.</param>
/// <param name="QueuedBehind">
/// True when an earlier notification of its group was still pending: this one cannot be claimed before that one is
/// settled, and settling it wakes the delivery stage, so the accept need not. Not part of the HTTP answer.
/// </param>
public sealed record AcceptResult(long? NotificationId, int Accepted, int Duplicates, [property: JsonIgnore] bool QueuedBehind = false);

/// <summary>A notification claimed by one owner until <paramref name="LeaseExpiresAt"/>.</summary>
/// <param name="Attempts">Attempts settled before this claim.</param>
public sealed record ClaimedNotification(long Id, AlertNotification Notification, int Attempts, DateTimeOffset LeaseExpiresAt);

public enum NotificationState
{
    /// <summary>Waiting for its next attempt (or for the claim of an earlier notification of its group).</summary>
    Pending,

    /// <summary>Claimed, its lease running.</summary>
    InFlight,

    Delivered,

    /// <summary>Failed for good; visible until pruned, and can be put back with <see cref="IAlertStore.RetryFailedAsync"/>.</summary>
    Failed,
}

/// <param name="Owner">Who holds the claim, while <paramref name="State"/> is <see cref="NotificationState.InFlight"/>.</param>
public sealed record NotificationRecord(
    long Id,
    string Source,
    string GroupKey,
    AlertStatus Status,
    NotificationState State,
    int Attempts,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    string? Owner,
    DateTimeOffset? LeaseExpiresAt);

/// <param name="Pending">Not finished: waiting or in flight.</param>
/// <param name="InFlight">Claimed now (included in <paramref name="Pending"/>).</param>
/// <param name="OldestPendingReceivedAt">When the oldest unfinished notification was received; null when there is none.</param>
public sealed record NotificationCounts(long Pending, long InFlight, long Failed, DateTimeOffset? OldestPendingReceivedAt);

/// <param name="Requeued">Put back to pending, due now.</param>
/// <param name="Superseded">Failed, but a later notification of the group was delivered or is in flight: left failed.</param>
/// <param name="NotFailed">Asked for by id, but not failed (or unknown): nothing changed.</param>
public sealed record RetryResult(IReadOnlyList<long> Requeued, IReadOnlyList<long> Superseded, IReadOnlyList<long> NotFailed);

public sealed record PruneResult(int DedupeKeys, int DeliveredNotifications, int FailedNotifications);
