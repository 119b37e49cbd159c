using AlertLinker.Operability;

namespace AlertLinker.Sources;

/// <summary>The 202 a source answers once its alerts are stored.</summary>
/// <param name="NotificationId">The stored notification, or null when every alert was a duplicate.</param>
public sealed record WebhookAccepted(long? NotificationId, int Accepted, int Duplicates);

/// <summary>The 200 a source answers to a delivery that is valid but asks nothing of Slack (a ping, a tag change).</summary>
public sealed record WebhookIgnored(string Event, string Reason);

/// <summary>
/// The one way every source hands its normalized alerts to the durable store; then tells the accept listeners (the
/// delivery stage's wake-up), so delivery starts without waiting for its poll.
/// </summary>
internal sealed partial class WebhookIntake(
    IAlertStore store,
    IEnumerable<IAcceptListener> listeners,
    AlertLinkerMetrics metrics,
    ILogger<WebhookIntake> logger)
{
    public async Task<IResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        AcceptResult result;
        try
        {
            result = await store.AcceptAsync(notification, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(ex, notification.Source, notification.Alerts.Count);
            metrics.AlertsReceived(notification.Source, "store_failed", notification.Alerts.Count);
            return SourceProblems.StoreUnavailable();
        }
        foreach (var listener in listeners)
            listener.Accepted(result);
        metrics.AlertsReceived(notification.Source, "accepted", result.Accepted);
        metrics.AlertsReceived(notification.Source, "duplicate", result.Duplicates);
        LogAccepted(notification.Source, notification.GroupKey, notification.Status, result.Accepted, result.Duplicates, result.NotificationId);
        return TypedResults.Accepted((string?)null, new WebhookAccepted(result.NotificationId, result.Accepted, result.Duplicates));
    }

    /// <summary>Records a valid delivery that carries nothing to deliver, and answers 200 so the sender does not retry.</summary>
    public IResult Ignore(string source, string eventName, string reason)
    {
        metrics.AlertsReceived(source, "ignored", 1);
        LogIgnored(source, eventName, reason);
        return TypedResults.Ok(new WebhookIgnored(eventName, reason));
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Recorded {Source} event {Event} without delivering it: {Reason}")]
    private partial void LogIgnored(string source, string @event, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Accepted {Source} notification {GroupKey} ({Status}): {Accepted} new, {Duplicates} duplicate alerts, stored as {NotificationId}")]
    private partial void LogAccepted(string source, string groupKey, AlertStatus status, int accepted, int duplicates, long? notificationId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error,
        Message = "Could not store a {Source} notification with {AlertCount} alerts; answered 503 so the sender retries")]
    private partial void LogStoreFailed(Exception exception, string source, int alertCount);
}
