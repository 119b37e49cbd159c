using System.Diagnostics.Metrics;
using AlertLinker.Operability;

namespace AlertLinker.Pipeline;

/// <summary>
/// The delivery backlog as gauges, read from the store when they are scraped:
/// <c>alertlinker_notifications{state="pending|failed"}</c> and <c>alertlinker_notification_oldest_pending_age_seconds</c>.
/// One store read serves both gauges of a scrape (the counts are kept for a second); the read is a few index ranges,
/// never the delivered history. A store that cannot answer yields no measurement rather than a wrong zero.
/// </summary>
internal sealed partial class BacklogGauges : IHostedService
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly IAlertStore store;
    private readonly TimeProvider time;
    private readonly ILogger<BacklogGauges> logger;
    private readonly Lock gate = new();
    private (DateTimeOffset At, NotificationCounts Counts)? last;

    public BacklogGauges(IAlertStore store, IMeterFactory meters, TimeProvider time, ILogger<BacklogGauges> logger)
    {
        this.store = store;
        this.time = time;
        this.logger = logger;
        var meter = meters.Create(AlertLinkerMetrics.MeterName);
        meter.CreateObservableGauge("alertlinker_notifications", ObserveBacklog,
            description: "Notifications in the store by state: pending (waiting or in flight) and failed (for good; see `AlertLinker notifications list --failed`).");
        meter.CreateObservableGauge("alertlinker_notification_oldest_pending_age_seconds", ObserveOldestAge, unit: "s",
            description: "Age of the oldest notification not yet delivered (0 when none is waiting).");
    }

    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        if (Read() is not { } counts)
            return [];
        return
        [
            new Measurement<long>(counts.Pending, new KeyValuePair<string, object?>("state", "pending")),
            new Measurement<long>(counts.Failed, new KeyValuePair<string, object?>("state", "failed")),
        ];
    }

    private IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        if (Read() is not { } counts)
            return [];
        var age = counts.OldestPendingReceivedAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0;
        return [new Measurement<double>(age)];
    }

    /// <summary>The counts, from the store at most once per <see cref="Freshness"/>. Called on the scraping thread.</summary>
    internal NotificationCounts? Read()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (last is { } cached && now - cached.At < Freshness)
                return cached.Counts;
        }
        try
        {
            // The gauge callback is synchronous; the read takes a millisecond.
            var counts = store.CountAsync(CancellationToken.None).GetAwaiter().GetResult();
            lock (gate)
                last = (now, counts);
            return counts;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCountFailed(logger, e);
            return null;
        }
    }

    // A hosted service only so that the gauges exist from start-up, before anything resolves them.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Could not read the backlog from the store for the notification gauges")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}
