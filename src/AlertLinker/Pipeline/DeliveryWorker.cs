using System.Text.RegularExpressions;
using AlertLinker.Storage;
using Microsoft.Extensions.Options;

namespace AlertLinker.Pipeline;

/// <summary>
/// Drains the store: takes due notifications, runs them through the <see cref="INotificationProcessor"/>, and records
/// the outcome. The one place where delivery is retried (backoff, Retry-After, give-up limits).
/// <para>
/// Runs on start (pending work from before a crash), whenever an accept signals, and every poll interval (retries
/// coming due). A notification is marked delivered only after the processor said it was delivered; a crash in
/// between means it is delivered again after restart (at-least-once, with that one narrow window).
/// </para>
/// </summary>
internal sealed partial class DeliveryWorker(
    IAlertStore store,
    INotificationProcessor processor,
    DeliverySignal signal,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    /// <summary>Longest error text kept in the store and the log; processors can produce whole HTTP bodies.</summary>
    private const int MaxErrorLength = 1000;

    private readonly DeliveryOptions _options = options.Value;

    /// <summary>
    /// Test seam: called each time the worker really starts waiting — no wake-up pending, poll timer armed — so a
    /// test can advance a fake clock or accept the next notification without racing the loop.
    /// </summary>
    internal Action? Idle { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, _options.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            int taken;
            try
            {
                taken = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The store is unreachable (disk gone, locked by another process…): keep going, it may come back.
                LogStoreFailed(logger, e, _options.PollInterval);
                taken = 0;
            }

            // A full batch means more may be due right now.
            if (taken >= _options.BatchSize)
                continue;

            var wait = signal.WaitAsync(_options.PollInterval, time, stoppingToken);
            if (!wait.IsCompleted)
                Idle?.Invoke();
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
        LogStopped(logger);
    }

    /// <summary>
    /// One pass: delivers what is due now, in parallel up to MaxConcurrency. The store hands out at most one
    /// notification per group, so parallelism never reorders a group. Returns how many were taken.
    /// </summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await store.GetDueAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
            return 0;

        await Parallel.ForEachAsync(
                due,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
                async (stored, token) => await DeliverAsync(stored, token).ConfigureAwait(false))
            .ConfigureAwait(false);
        return due.Count;
    }

    private async Task DeliverAsync(StoredNotification stored, CancellationToken cancellationToken)
    {
        var attempt = stored.Attempts + 1;
        DeliveryResult result;
        try
        {
            result = await processor.ProcessAsync(stored.Notification, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: the notification stays pending, this attempt is not counted.
            throw;
        }
        catch (Exception e)
        {
            // Not the exception object: its message (and inner ones) may carry a webhook URL, which is a credential.
            // The redacted message and the stack trace say where it broke without that.
            result = DeliveryResult.Retry($"{e.GetType().Name}: {e.Message}");
            LogProcessorThrew(logger, stored.Id, attempt, Describe(result.Error), e.StackTrace);
        }

        // Recording the outcome is not cancelled: once the sink has delivered, the store must hear about it,
        // even during shutdown, or the message is sent again after restart. These writes take milliseconds.
        try
        {
            if (result.Delivered)
            {
                await store.MarkDeliveredAsync(stored.Id, CancellationToken.None).ConfigureAwait(false);
                LogDelivered(logger, stored.Id, stored.Notification.Source, attempt);
                return;
            }

            var error = Describe(result.Error);
            var now = time.GetUtcNow();
            var age = now - stored.Notification.ReceivedAt;
            if (!result.Retryable)
            {
                await store.MarkFailedAsync(stored.Id, error, retryAt: null, CancellationToken.None).ConfigureAwait(false);
                LogFailedPermanently(logger, stored.Id, attempt, error);
            }
            else if (attempt >= _options.MaxAttempts || age >= _options.MaxAge)
            {
                var final = $"gave up after {attempt} attempts over {age}: {error}";
                await store.MarkFailedAsync(stored.Id, Truncate(final), retryAt: null, CancellationToken.None).ConfigureAwait(false);
                LogGaveUp(logger, stored.Id, attempt, age, _options.MaxAttempts, _options.MaxAge, error);
            }
            else
            {
                var delay = RetryDelay(_options, attempt, result.RetryAfter);
                var retryAt = now + delay;
                await store.MarkFailedAsync(stored.Id, error, retryAt, CancellationToken.None).ConfigureAwait(false);
                LogRetryScheduled(logger, stored.Id, attempt, delay, error);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // It stays pending with its old due time, so it is attempted again; if it was delivered, that is the
            // one case of a second delivery.
            LogRecordFailed(logger, e, stored.Id);
        }
    }

    /// <summary>
    /// How long to wait before the next attempt after failed attempt number <paramref name="attempt"/> (1-based):
    /// the receiver's Retry-After when it gave one (honoured as asked, not capped), else exponential backoff
    /// InitialBackoff × 2^(attempt−1), capped at MaxBackoff.
    /// </summary>
    internal static TimeSpan RetryDelay(DeliveryOptions options, int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
            return asked;
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = options.InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= options.MaxBackoff.Ticks ? options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// The error as stored and logged: URLs cut to scheme and host (a Slack webhook URL is a credential, and
    /// exception messages sometimes carry the request URL), and bounded in length.
    /// </summary>
    internal static string Describe(string? error) =>
        string.IsNullOrWhiteSpace(error) ? "delivery failed (no reason given)" : Truncate(UrlPath().Replace(error, "$1/…"));

    private static string Truncate(string text) =>
        text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength - 1), "…");

    [GeneratedRegex(@"(https?://[^/\s?#]+)[/?#][^\s""'<>]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPath();

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Delivery worker started (poll interval {PollInterval})")]
    private static partial void LogStarted(ILogger logger, TimeSpan pollInterval);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Delivery worker stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Delivered notification {Id} from {Source} on attempt {Attempt}")]
    private static partial void LogDelivered(ILogger logger, long id, string source, int attempt);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning,
        Message = "Delivery of notification {Id} failed on attempt {Attempt}; next attempt in {Delay}: {Error}")]
    private static partial void LogRetryScheduled(ILogger logger, long id, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error,
        Message = "Giving up on notification {Id} after {Attempt} attempts over {Age} (limits: {MaxAttempts} attempts, {MaxAge}); it stays in the store as failed: {Error}")]
    private static partial void LogGaveUp(ILogger logger, long id, int attempt, TimeSpan age, int maxAttempts, TimeSpan maxAge, string error);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Error,
        Message = "Delivery of notification {Id} failed permanently on attempt {Attempt}; it stays in the store as failed: {Error}")]
    private static partial void LogFailedPermanently(ILogger logger, long id, int attempt, string error);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning,
        Message = "Processing notification {Id} threw on attempt {Attempt}; counted as a retryable failure: {Error}\n{StackTrace}")]
    private static partial void LogProcessorThrew(ILogger logger, long id, int attempt, string error, string? stackTrace);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "Delivery worker could not read the store; trying again in {PollInterval}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, TimeSpan pollInterval);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Error,
        Message = "Could not record the outcome of notification {Id}; it stays pending and will be attempted again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long id);
}
