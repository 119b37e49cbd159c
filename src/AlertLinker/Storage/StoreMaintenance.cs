using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>Prunes old dedupe keys and finished notifications every PruneInterval, away from the accept path.</summary>
internal sealed partial class StoreMaintenance(
    SqliteAlertStore store,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<StoreMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        try
        {
            // First prune one interval after start: start-up stays fast, and a restart loop cannot turn into a prune loop.
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await store.PruneAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPruneFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Pruning the alert store failed; trying again next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
