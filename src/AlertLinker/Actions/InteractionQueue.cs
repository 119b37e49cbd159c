using System.Threading.Channels;

namespace AlertLinker.Actions;

/// <summary>
/// Clicks accepted by the endpoint, waiting to be handled: Slack wants its 200 within 3 s, and an Alertmanager or
/// PagerDuty call may take longer. Bounded: when full, the endpoint answers 503 and Slack tells the user to retry.
/// </summary>
internal sealed class InteractionQueue
{
    public const int Capacity = 256;

    private readonly Channel<ClickRequest> channel = Channel.CreateBounded<ClickRequest>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
    });

    public bool TryEnqueue(ClickRequest click) => channel.Writer.TryWrite(click);

    public IAsyncEnumerable<ClickRequest> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>Handles queued clicks, a few at a time, each bounded in time; one failing click never stops the others.</summary>
internal sealed class InteractionWorker(InteractionQueue queue, ClickHandler handler, InteractionReplies replies, ILogger<InteractionWorker> logger) : BackgroundService
{
    private const int Parallelism = 4;

    /// <summary>Generous next to one call's timeout: a silence may try two Alertmanagers, then reply and update.</summary>
    private static readonly TimeSpan ClickBudget = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(queue.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
            async (click, cancellationToken) =>
            {
                using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                budget.CancelAfter(ClickBudget);
                try
                {
                    await handler.HandleAsync(click, budget.Token);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    ActionsLog.ClickFailed(logger, exception, click.Action.ActionId ?? "?");
                    // Never silently lost: the clicker hears that it failed (on its own short clock: the budget may be spent).
                    using var tell = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    var why = exception is OperationCanceledException ? "it took longer than " + (int)ClickBudget.TotalSeconds + " s" : "an internal error";
                    await replies.EphemeralAsync(click.Payload, $"⚠️ The action failed here ({why}); it may not have happened. Check the alert's source.", tell.Token);
                }
            });
}
