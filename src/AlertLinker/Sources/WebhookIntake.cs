using AlertLinker.Operability;

namespace AlertLinker.Sources;

/// <summary>The 200 a source answers to a delivery that is valid but asks nothing of Slack (a ping, a tag change).</summary>
public sealed record WebhookIgnored(string Event, string Reason);

/// <summary>
/// The one path of every webhook call, whatever its source: credentials, body, signature, parse, then the durable
/// store. The 202 (<see cref="AcceptResult"/>) is answered right after the store write; nothing on this path waits
/// for a sender's API (that is <see cref="IAlertSource.CompleteAsync"/>, on the delivery side). After a store
/// write it tells the accept listeners (the delivery stage's wake-up), so delivery starts without waiting for its poll.
/// </summary>
internal sealed partial class WebhookIntake(
    IAlertStore store,
    IEnumerable<IAcceptListener> listeners,
    WebhookRejections rejections,
    AlertLinkerMetrics metrics,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<WebhookIntake> logger)
{
    public async Task<IResult> ReceiveAsync(IAlertSource source, HttpRequest request, CancellationToken cancellationToken)
    {
        if (source.Authorize(request) is { } unauthorized)
            return rejections.Reject(source.Name, request, unauthorized);

        var (body, problem) = await WebhookBody.ReadAsync(request, source.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return rejections.Reject(source.Name, request, problem);

        var now = time.GetUtcNow();
        if (source.Verify(request, body!, now) is { } badSignature)
            return rejections.Reject(source.Name, request, badSignature);

        var parsed = source.Parse(body!, request.Headers, now);
        if (parsed.Error is { } error)
            return rejections.Reject(source.Name, request, SourceProblems.BadRequest(error));
        if (parsed.Notification is not { } notification)
            return Ignore(source.Name, parsed.Event ?? "", parsed.IgnoredBecause ?? "");
        return await AcceptAsync(notification, cancellationToken);
    }

    private async Task<IResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        using var activity = AlertLinkerActivity.Source.StartActivity("accept");
        activity?.SetTag("alertlinker.source", notification.Source);
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
        return new AcceptedJson(result, json.Value.SerializerOptions);
    }

    /// <summary>Records a valid delivery that carries nothing to deliver, and answers 200 so the sender does not retry.</summary>
    private IResult Ignore(string source, string eventName, string reason)
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
