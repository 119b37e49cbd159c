using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Pipeline;

/// <summary>
/// Drains the store: claims due notifications, runs each through the <see cref="INotificationProcessor"/> on its
/// own, and records the outcome. The one place where delivery is retried (backoff, Retry-After, give-up limits).
/// <para>
/// No batches: at most <see cref="DeliveryOptions.MaxConcurrency"/> notifications are in flight, and each freed slot
/// is filled at once, so one slow alert (a hung backend) never holds up another. The bound also keeps delivery from
/// starving the accept path of CPU. The store hands out one notification per group at a time, so parallelism never
/// reorders a group.
/// </para>
/// <para>
/// Runs on start (pending work from before a crash), whenever an accept or a finished delivery signals, and every
/// poll interval (retries coming due, work another process put back). Each claim is leased to this worker and the
/// lease renewed while it works; if this process dies, the work is claimable again once the lease runs out. A
/// notification is marked delivered only after the processor said it was delivered; a crash in between means it is
/// delivered again (at-least-once, with that one narrow window).
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
    private int _inFlight;

    /// <summary>Who this worker is in the store's claims: host, process and a random part (unique per start).</summary>
    internal string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Test seam: called each time the worker really starts waiting with nothing in flight — no wake-up pending,
    /// poll timer armed — so a test can advance a fake clock or accept the next notification without racing the loop.
    /// </summary>
    internal Action? Idle { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, _options.PollInterval, _options.MaxConcurrency, Owner);
        var running = new List<Task>();
        // Consecutive failed claims: the store is down (a database outage). The poll backs off, doubling up to
        // MaxStoreBackoff, so a dead database is not hammered by every replica at every poll; reset on success.
        var storeFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(task => task.IsCompleted);
            var free = _options.MaxConcurrency - Volatile.Read(ref _inFlight);
            if (free > 0)
            {
                int claimed;
                try
                {
                    var due = await store.ClaimDueAsync(Owner, Math.Min(free, _options.BatchSize), _options.Lease, stoppingToken)
                        .ConfigureAwait(false);
                    foreach (var item in due)
                        running.Add(Start(item, stoppingToken));
                    claimed = due.Count;
                    if (storeFailures > 0)
                        LogStoreBack(logger, storeFailures);
                    storeFailures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // The store is unreachable (disk gone, database down…): keep going, it may come back.
                    storeFailures++;
                    LogStoreFailed(logger, e, StoreBackoff(_options.PollInterval, storeFailures));
                    claimed = 0;
                }

                // Every free slot filled: more may be due; claim again as soon as a slot frees (which signals).
                if (claimed > 0 && claimed == free)
                    continue;
            }

            var wait = signal.WaitAsync(storeFailures > 0 ? StoreBackoff(_options.PollInterval, storeFailures) : _options.PollInterval, time, stoppingToken);
            if (!wait.IsCompleted && Volatile.Read(ref _inFlight) == 0)
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

        // Deliveries in flight hear the stop and give their claims back; wait for that, so none is left leased.
        await Task.WhenAll(running).ConfigureAwait(false);
        LogStopped(logger);
    }

    /// <summary>Runs one claimed notification in a slot of its own; the slot's end wakes the loop.</summary>
    private Task Start(ClaimedNotification item, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        return Task.Run(async () =>
        {
            try
            {
                await DeliverClaimedAsync(item, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                // A slot is free, and the next notification of this group may be due now.
                signal.Notify();
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Test seam: one pass that claims what is due now, delivers it (up to MaxConcurrency at a time) and waits for
    /// all of it. Returns how many were claimed. The service itself never waits for a batch (see ExecuteAsync).
    /// </summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueAsync(Owner, _options.BatchSize, _options.Lease, cancellationToken).ConfigureAwait(false);
        using var slots = new SemaphoreSlim(_options.MaxConcurrency);
        await Task.WhenAll(due.Select(async item =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await DeliverClaimedAsync(item, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        return due.Count;
    }

    /// <summary>Delivers one claimed notification while keeping its lease; a lost lease cancels the delivery.</summary>
    private async Task DeliverClaimedAsync(ClaimedNotification item, CancellationToken stoppingToken)
    {
        using var delivery = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var done = new CancellationTokenSource();
        var lease = KeepLeaseAsync(item.Id, delivery, done.Token);
        try
        {
            await DeliverAsync(item, stoppingToken, delivery.Token).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await lease.ConfigureAwait(false);
        }
    }

    /// <summary>Renews the claim every third of the lease until <paramref name="done"/>; cancels the delivery when the claim is lost.</summary>
    private async Task KeepLeaseAsync(long id, CancellationTokenSource delivery, CancellationToken done)
    {
        var every = _options.Lease / 3;
        while (true)
        {
            try
            {
                await Task.Delay(every, time, done).ConfigureAwait(false);
                if (await store.RenewLeaseAsync(id, Owner, _options.Lease, done).ConfigureAwait(false))
                    continue;
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store hiccup: the lease still runs for two more thirds; try again at the next third.
                LogRenewFailed(logger, e, id);
                continue;
            }

            // Another worker holds it now (this one stalled past its lease): stop, it is theirs to deliver.
            LogLeaseLost(logger, id, _options.Lease);
            await delivery.CancelAsync().ConfigureAwait(false);
            return;
        }
    }

    private async Task DeliverAsync(ClaimedNotification stored, CancellationToken stoppingToken, CancellationToken cancellationToken)
    {
        var attempt = stored.Attempts + 1;
        DeliveryResult result;
        try
        {
            result = await processor.ProcessAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: the claim goes back, due at once for whoever runs next; this attempt is
            // not counted. (A lost lease: the claim is someone else's already, nothing to give back.)
            if (stoppingToken.IsCancellationRequested)
                await ReleaseAsync(stored.Id).ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            // Not the exception object: its message (and inner ones) may carry a webhook URL, which is a credential.
            // The redacted message and the stack trace say where it broke without that.
            result = DeliveryResult.Retry($"{e.GetType().Name}: {e.Message}");
            LogProcessorThrew(logger, stored.Id, attempt, Describe(result.Error), e.StackTrace);
        }

        // Recording the outcome is not cancelled: once the sink has delivered, the store must hear about it,
        // even during shutdown, or the message is sent again after restart. These writes take milliseconds. While
        // the store is down (a database outage) they are tried again, backing off, for as long as the claim could
        // still be ours (the lease keeps being renewed meanwhile); a lost claim or shutdown ends the retries.
        var giveUpAt = time.GetUtcNow() + 2 * _options.Lease;
        for (var failures = 1; ; failures++)
        {
            try
            {
                await RecordOutcomeAsync(stored, result, attempt).ConfigureAwait(false);
                if (failures > 1)
                    LogRecordedAfterOutage(logger, stored.Id, failures - 1);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var wait = StoreBackoff(RecordRetryStart, failures);
                if (cancellationToken.IsCancellationRequested || time.GetUtcNow() + wait > giveUpAt)
                {
                    // It stays claimed until the lease runs out, then it is attempted again; if it was delivered,
                    // the Slack sink finds its message (by the store's record or the post's metadata) instead of posting twice.
                    LogRecordFailed(logger, e, stored.Id);
                    return;
                }
                LogRecordRetry(logger, e, stored.Id, wait);
                try
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    LogRecordFailed(logger, e, stored.Id);
                    return;
                }
            }
        }
    }

    /// <summary>Writes the attempt's outcome to the store: delivered, deferred, failed for good, or failed with a retry time.</summary>
    private async Task RecordOutcomeAsync(ClaimedNotification stored, DeliveryResult result, int attempt)
    {
        if (result.Delivered)
        {
            if (await store.MarkDeliveredAsync(stored.Id, Owner, CancellationToken.None).ConfigureAwait(false))
                LogDelivered(logger, stored.Id, stored.Notification.Source, attempt);
            else
                LogDeliveredWithoutClaim(logger, stored.Id);
            return;
        }

        var now = time.GetUtcNow();
        if (result.Deferred)
        {
            // Asked to be asked later (a storm member waiting for its digest): no attempt spent, no warning.
            var after = result.RetryAfter ?? _options.PollInterval;
            if (!await store.DeferAsync(stored.Id, Owner, now + after, CancellationToken.None).ConfigureAwait(false))
                LogOutcomeWithoutClaim(logger, stored.Id);
            else
                LogDeferred(logger, stored.Id, after, Describe(result.Error));
            return;
        }

        var error = Describe(result.Error);
        var age = now - stored.Notification.ReceivedAt;
        bool held;
        if (!result.Retryable)
        {
            held = await store.MarkFailedAsync(stored.Id, Owner, error, retryAt: null, CancellationToken.None).ConfigureAwait(false);
            LogFailedPermanently(logger, stored.Id, attempt, error);
        }
        else if (attempt >= _options.MaxAttempts || age >= _options.MaxAge)
        {
            var final = $"gave up after {attempt} attempts over {age}: {error}";
            held = await store.MarkFailedAsync(stored.Id, Owner, Truncate(final), retryAt: null, CancellationToken.None).ConfigureAwait(false);
            LogGaveUp(logger, stored.Id, attempt, age, _options.MaxAttempts, _options.MaxAge, error);
        }
        else
        {
            var delay = RetryDelay(_options, attempt, result.RetryAfter);
            var retryAt = now + delay;
            held = await store.MarkFailedAsync(stored.Id, Owner, error, retryAt, CancellationToken.None).ConfigureAwait(false);
            LogRetryScheduled(logger, stored.Id, attempt, delay, error);
        }
        if (!held)
            LogOutcomeWithoutClaim(logger, stored.Id);
    }

    /// <summary>First wait before recording an outcome again after the store failed.</summary>
    private static readonly TimeSpan RecordRetryStart = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between tries of a store that is down: a database back after an outage is used within this.</summary>
    internal static readonly TimeSpan MaxStoreBackoff = TimeSpan.FromSeconds(5);

    /// <summary><paramref name="first"/> × 2^(failures−1), capped at <see cref="MaxStoreBackoff"/> (failures ≥ 1).</summary>
    internal static TimeSpan StoreBackoff(TimeSpan first, int failures)
    {
        var start = first > TimeSpan.Zero ? first : RecordRetryStart;
        var ticks = start.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return ticks >= MaxStoreBackoff.Ticks ? MaxStoreBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private async Task ReleaseAsync(long id)
    {
        try
        {
            await store.ReleaseAsync(id, Owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The lease runs out by itself; the work is only later, not lost.
            LogRecordFailed(logger, e, id);
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

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information,
        Message = "Delivery worker started (poll interval {PollInterval}, up to {MaxConcurrency} at a time, claims as {Owner})")]
    private static partial void LogStarted(ILogger logger, TimeSpan pollInterval, int maxConcurrency, string owner);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Debug, Message = "Notification {Id} deferred by the sink for {After}: {Reason}")]
    private static partial void LogDeferred(ILogger logger, long id, TimeSpan after, string reason);

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

    [LoggerMessage(EventId = 2180, Level = LogLevel.Information, Message = "Delivery worker reached the store again after {Failures} failed claim(s)")]
    private static partial void LogStoreBack(ILogger logger, int failures);

    [LoggerMessage(EventId = 2181, Level = LogLevel.Warning, Message = "Could not record the outcome of notification {Id} (the store is unreachable); trying again in {Wait}")]
    private static partial void LogRecordRetry(ILogger logger, Exception exception, long id, TimeSpan wait);

    [LoggerMessage(EventId = 2182, Level = LogLevel.Information, Message = "Recorded the outcome of notification {Id} after {Failures} failed tries: the store is back")]
    private static partial void LogRecordedAfterOutage(ILogger logger, long id, int failures);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "Delivery worker could not claim work from the store; trying again in {PollInterval}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, TimeSpan pollInterval);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Error,
        Message = "Could not record the outcome of notification {Id}; it stays pending and will be attempted again once its claim runs out")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long id);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning,
        Message = "Could not renew the claim on notification {Id}; trying again")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, long id);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning,
        Message = "Lost the claim on notification {Id} (not renewed within its lease of {Lease}); another worker delivers it, this one stopped")]
    private static partial void LogLeaseLost(ILogger logger, long id, TimeSpan lease);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning,
        Message = "Notification {Id} was delivered, but its claim had passed to another worker, which may deliver it again")]
    private static partial void LogDeliveredWithoutClaim(ILogger logger, long id);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Warning,
        Message = "The outcome of notification {Id} was not recorded: its claim had passed to another worker")]
    private static partial void LogOutcomeWithoutClaim(ILogger logger, long id);
}
