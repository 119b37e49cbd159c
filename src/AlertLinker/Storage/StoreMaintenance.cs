using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>Prunes old dedupe keys and finished notifications every PruneInterval, away from the accept path.</summary>
internal sealed partial class StoreMaintenance : BackgroundService
{
    private readonly IAlertStore _store;
    private readonly ILogger<StoreMaintenance> _logger;

    // Created with the service, not in ExecuteAsync: the interval counts from start-up, and a test's fake clock can
    // be advanced as soon as the service exists.
    private readonly PeriodicTimer _timer;

    public StoreMaintenance(IAlertStore store, IOptions<StorageOptions> options, TimeProvider time, ILogger<StoreMaintenance> logger)
    {
        _store = store;
        _logger = logger;
        _timer = new PeriodicTimer(options.Value.PruneInterval, time);
    }

    /// <summary>Test seam: called after each prune pass with its result (null when it failed).</summary>
    internal Action<PruneResult?>? Pruned { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // First prune one interval after start: start-up stays fast, and a crash loop cannot become a prune loop.
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                PruneResult? result = null;
                try
                {
                    result = await _store.PruneAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPruneFailed(_logger, e);
                }
                Pruned?.Invoke(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Pruning the alert store failed; trying again next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
