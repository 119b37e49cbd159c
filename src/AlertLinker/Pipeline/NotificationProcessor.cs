using AlertLinker.Backends;
using AlertLinker.LogLinks;
using AlertLinker.Operability;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;

namespace AlertLinker.Pipeline;

/// <summary>
/// The pipeline for one stored notification: complete (its source's look-ups) → resolve → enrich (backends, then the
/// log links of the traces they found) → render runbooks → deliver.
/// </summary>
public sealed class NotificationProcessor(
    IEnumerable<IAlertSource> sources,
    AlertResolver resolver,
    Enricher enricher,
    IRunbookRenderer runbooks,
    IEnumerable<IAlertSink> sinks,
    IAlertStore store,
    AlertLinkerMetrics metrics,
    TimeProvider time,
    LogLinkBuilder? logLinks = null) : INotificationProcessor
{
    /// <summary>Alerts of one notification enriched at once; more wait their turn (each costs one query per backend).</summary>
    private const int Parallelism = 4;

    private readonly IReadOnlyList<IAlertSink> sinks = Distinct(sinks.ToList());

    public Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken) =>
        ProcessAsync(null, notification, cancellationToken);

    public Task<DeliveryResult> ProcessAsync(ClaimedNotification claimed, CancellationToken cancellationToken) =>
        ProcessAsync(claimed.Id, claimed.Notification, cancellationToken);

    private async Task<DeliveryResult> ProcessAsync(long? id, AlertNotification notification, CancellationToken cancellationToken)
    {
        var enriched = await EnrichAsync(notification, cancellationToken);
        var result = await DeliverAsync(id, enriched, cancellationToken);
        metrics.Delivery(notification.Source, result.Delivered ? "delivered" : result.Retryable ? "retry" : "failed");
        return result;
    }

    /// <summary>
    /// To every sink, in registration order, one result each. One sink's result is the result, as it always was, and
    /// nothing more is stored; with several, each sink that took a stored notification is recorded under its id, and
    /// a later attempt skips it, so a retry never posts twice where it already succeeded.
    /// </summary>
    private async Task<DeliveryResult> DeliverAsync(long? id, EnrichedNotification enriched, CancellationToken cancellationToken)
    {
        if (sinks.Count == 1)
        {
            var only = await sinks[0].DeliverAsync(enriched, cancellationToken);
            return only with { Sinks = [new SinkResult(sinks[0].Name, only)] };
        }
        var earlier = id is { } stored ? await store.DeliveredSinksAsync(stored, cancellationToken) : new HashSet<string>();
        var results = new List<SinkResult>(sinks.Count);
        foreach (var sink in sinks)
        {
            if (earlier.Contains(sink.Name))
            {
                results.Add(new SinkResult(sink.Name, DeliveryResult.Ok, Earlier: true));
                continue;
            }
            var result = await sink.DeliverAsync(enriched, cancellationToken);
            // Not cancellable: once a sink has it, forgetting that would send it there again on the retry.
            if (result.Delivered && id is { } delivered)
                await store.RecordSinkDeliveredAsync(delivered, sink.Name, CancellationToken.None);
            results.Add(new SinkResult(sink.Name, result));
        }
        return DeliveryResult.Combine(results);
    }

    private static IReadOnlyList<IAlertSink> Distinct(List<IAlertSink> sinks)
    {
        if (sinks.Count == 0)
            throw new InvalidOperationException("No IAlertSink is registered: notifications would have nowhere to go.");
        if (sinks.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"Two IAlertSinks are named '{twice.Key}'; each sink's deliveries are recorded under its name.");
        return sinks;
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
        if (distinct is [var only])
        {
            // The usual case (one service, one window): no parallel loop and its worker tasks for one question.
            sections[only] = await enricher.EnrichAsync(resolved.First(r => SearchKey.Of(r) == only), drawGraph: only == graphed, cancellationToken);
        }
        else
        {
            await Parallel.ForEachAsync(distinct, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (key, ct) =>
                {
                    var result = await enricher.EnrichAsync(resolved.First(r => SearchKey.Of(r) == key), drawGraph: key == graphed, ct);
                    lock (sections)
                        sections[key] = result;
                });
        }

        var alerts = resolved.Select(r =>
        {
            var (backends, graph) = sections[SearchKey.Of(r)];
            var logs = logLinks?.ForTraces(r, FoundTrace.Collect(backends)) ?? [];
            return new EnrichedAlert(r, backends, runbooks.Render(r, backends, logs)) { LogLinks = logs, Graph = graph };
        }).ToList();
        return new EnrichedNotification(notification, alerts);
    }

    private sealed record SearchKey(string? Service, string? Operation, AlertWindow Window, string? Expression)
    {
        public static SearchKey Of(ResolvedAlert alert) => new(alert.Service, alert.Operation, alert.Window, alert.Expression);
    }
}
