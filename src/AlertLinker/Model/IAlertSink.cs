namespace AlertLinker.Model;

/// <summary>
/// Where enriched notifications go (Slack). Says whether a failure is worth retrying. Several may be registered: the
/// processor delivers to each and settles the notification by their results together (<see cref="DeliveryResult.Sinks"/>).
/// </summary>
public interface IAlertSink
{
    /// <summary>
    /// Unique among the registered sinks and stable across versions: a delivery to this sink is recorded under it, so a
    /// retry of the notification skips the sinks that already have it.
    /// </summary>
    string Name => GetType().Name;

    Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken);
}

/// <summary>What one sink made of one notification.</summary>
/// <param name="Earlier">True when an earlier attempt delivered it to this sink, so it was not sent again.</param>
public sealed record SinkResult(string Sink, DeliveryResult Result, bool Earlier = false);

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

    /// <summary>One result per registered sink, in registration order (empty from a sink itself).</summary>
    public IReadOnlyList<SinkResult> Sinks { get; init; } = [];

    /// <summary>
    /// The results of several sinks as one: delivered when every sink has it; otherwise not delivered, with each
    /// failing sink's error by name, retryable when any failure is (a retry sends only to the sinks without it),
    /// after the longest delay any of them asked for; deferred only when every sink without it deferred.
    /// </summary>
    public static DeliveryResult Combine(IReadOnlyList<SinkResult> sinks)
    {
        var missing = sinks.Where(s => !s.Result.Delivered).ToList();
        if (missing.Count == 0)
            return Ok with { Sinks = sinks };
        var error = string.Join("; ", missing.Select(s => $"{s.Sink}: {s.Result.Error}"));
        var after = missing.Select(s => s.Result.RetryAfter).Max();
        if (missing.All(s => s.Result.Deferred))
            return Later(error, after ?? TimeSpan.Zero) with { Sinks = sinks };
        return new DeliveryResult(false, missing.Any(s => s.Result.Retryable), error, after) { Sinks = sinks };
    }
}

/// <summary>Turns a stored notification into a delivered message: resolve, enrich, render, deliver.</summary>
public interface INotificationProcessor
{
    Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken);

    /// <summary>
    /// A claimed notification: with several sinks, those that already have it (recorded in the store under its id by
    /// an earlier attempt) are skipped, and each sink that takes it now is recorded.
    /// </summary>
    Task<DeliveryResult> ProcessAsync(ClaimedNotification claimed, CancellationToken cancellationToken) =>
        ProcessAsync(claimed.Notification, cancellationToken);
}
