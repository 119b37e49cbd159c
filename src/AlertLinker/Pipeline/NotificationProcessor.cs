using AlertLinker.Backends;
using AlertLinker.Operability;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;

namespace AlertLinker.Pipeline;

/// <summary>
/// The pipeline for one stored notification: complete (its source's look-ups) → resolve → enrich → render runbooks → deliver.
/// </summary>
public sealed class NotificationProcessor(
    IEnumerable<IAlertSource> sources,
    AlertResolver resolver,
    Enricher enricher,
    IRunbookRenderer runbooks,
    IAlertSink sink,
    AlertLinkerMetrics metrics,
    TimeProvider time) : INotificationProcessor
{
    /// <summary>Alerts of one notification enriched at once; more wait their turn (each costs one query per backend).</summary>
    private const int Parallelism = 4;

    public async Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        var enriched = await EnrichAsync(notification, cancellationToken);
        var result = await sink.DeliverAsync(enriched, cancellationToken);
        metrics.Delivery(notification.Source, result.Delivered ? "delivered" : result.Retryable ? "retry" : "failed");
        return result;
    }

    public async Task<EnrichedNotification> EnrichAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        // What the source fetches from its own API (PagerDuty's custom details) happens here, off the webhook's request path.
        if (sources.FirstOrDefault(s => s.Name == notification.Source) is { } source)
            notification = await source.CompleteAsync(notification, cancellationToken);

        var now = time.GetUtcNow();
        var resolved = notification.Alerts.Select(a => resolver.Resolve(a, now)).ToList();

        // Alerts of one group that share service, operation, window and expression share one set of backend queries.
        var sections = new Dictionary<SearchKey, (IReadOnlyList<BackendSection> Sections, AlertGraph? Graph)>();
        var distinct = resolved.Select(SearchKey.Of).Distinct().ToList();
        // One graph per notification (the group's): of the earliest alert with an expression, whose window shows the most.
        var graphed = resolved.OrderBy(r => r.Expression is null).ThenBy(r => r.Window.Start).Select(SearchKey.Of).FirstOrDefault();
        await Parallel.ForEachAsync(distinct, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                var result = await enricher.EnrichAsync(resolved.First(r => SearchKey.Of(r) == key), drawGraph: key == graphed, ct);
                lock (sections)
                    sections[key] = result;
            });

        var alerts = resolved.Select(r =>
        {
            var (backends, graph) = sections[SearchKey.Of(r)];
            return new EnrichedAlert(r, backends, runbooks.Render(r, backends)) { Graph = graph };
        }).ToList();
        return new EnrichedNotification(notification, alerts);
    }

    private sealed record SearchKey(string? Service, string? Operation, AlertWindow Window, string? Expression)
    {
        public static SearchKey Of(ResolvedAlert alert) => new(alert.Service, alert.Operation, alert.Window, alert.Expression);
    }
}
