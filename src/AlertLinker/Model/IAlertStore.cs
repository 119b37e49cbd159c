
namespace AlertLinker.Model;

/// <summary>
/// The durable queue between accepting a webhook and delivering it. Accept writes before the 202;
/// the delivery worker drains what is due. Survives a crash: pending work is pending again after restart.
/// </summary>
public interface IAlertStore
{
    /// <summary>
    /// Stores the notification unless every alert in it was seen before (same dedupe key).
    /// Throws only when the store cannot write (the caller answers 503 so the sender retries).
    /// </summary>
    Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken);

    /// <summary>Notifications waiting for delivery whose next attempt is due, oldest first.</summary>
    Task<IReadOnlyList<StoredNotification>> GetDueAsync(int max, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(long id, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; <paramref name="retryAt"/> null means it will never succeed (kept, visible, not retried).</summary>
    Task MarkFailedAsync(long id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>True when the store answers queries (readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <param name="NotificationId">The stored notification, or null when all of its alerts were duplicates.</param>
public sealed record AcceptResult(long? NotificationId, int Accepted, int Duplicates);

public sealed record StoredNotification(long Id, AlertNotification Notification, int Attempts);
