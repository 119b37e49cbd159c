namespace AlertLinker.Model;

/// <summary>Where enriched notifications go (Slack). Says whether a failure is worth retrying.</summary>
public interface IAlertSink
{
    Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken);
}

/// <param name="RetryAfter">A delay the receiver asked for (Slack 429 Retry-After), if any.</param>
public sealed record DeliveryResult(bool Delivered, bool Retryable, string? Error, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Ok { get; } = new(true, false, null);

    public static DeliveryResult Retry(string error, TimeSpan? after = null) => new(false, true, error, after);

    public static DeliveryResult Permanent(string error) => new(false, false, error);

    /// <summary>
    /// Not delivered yet, and nothing went wrong: the sink holds the notification's content and will send it with
    /// others (a storm digest's next coalesced edit). Come back after <paramref name="after"/>; the notification stays
    /// in the store until then, so a crash loses nothing. A worker may log it quietly and not count it as a failure.
    /// </summary>
    public static DeliveryResult Later(string reason, TimeSpan after) => new(false, true, reason, after) { Deferred = true };

    /// <summary>See <see cref="Later"/>: retryable, not a failure.</summary>
    public bool Deferred { get; init; }
}

/// <summary>Turns a stored notification into a delivered message: resolve, enrich, render, deliver.</summary>
public interface INotificationProcessor
{
    Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken);
}
