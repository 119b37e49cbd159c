using System.Collections.Concurrent;
using System.Threading.Channels;
using AlertLinker.Pipeline;
using AlertLinker.Storage;
using AlertLinker.Tests.Storage;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Pipeline;

public sealed class DeliveryWorkerTests : IDisposable
{
    /// <summary>Bound on every wait for the background loop; the waits end as soon as the event happens.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = TestNotifications.Clock();
    private readonly DeliverySignal _signal = new();
    private readonly FakeProcessor _processor = new();
    private readonly FakeLogger<DeliveryWorker> _logger = new();
    private readonly Channel<bool> _idle = Channel.CreateUnbounded<bool>();
    private readonly SqliteAlertStore _store;

    public DeliveryWorkerTests() => _store = _db.Open(_time);

    public void Dispose()
    {
        _store.Dispose();
        _db.Dispose();
    }

    private static DeliveryOptions Defaults() => new()
    {
        PollInterval = TimeSpan.FromSeconds(1),
        InitialBackoff = TimeSpan.FromSeconds(5),
        MaxBackoff = TimeSpan.FromMinutes(5),
        MaxAttempts = 20,
        MaxAge = TimeSpan.FromHours(24),
    };

    private DeliveryWorker CreateWorker(DeliveryOptions? options = null)
    {
        var worker = new DeliveryWorker(_store, _processor, _signal, Options.Create(options ?? Defaults()), _time, _logger);
        worker.Idle = () => _idle.Writer.TryWrite(true);
        return worker;
    }

    /// <summary>Accepts as the webhook intake does: store, then tell the worker's signal.</summary>
    private async Task<long> AcceptAsync(string groupKey = "g", AlertStatus status = AlertStatus.Firing, DateTimeOffset? receivedAt = null)
    {
        var result = await _store.AcceptAsync(TestNotifications.Create(groupKey, status, receivedAt), CancellationToken.None);
        _signal.Accepted(result);
        return result.NotificationId!.Value;
    }

    private async Task<NotificationRecord> RecordAsync(long id) => (await _store.FindAsync(id, CancellationToken.None))!;

    private Task WaitIdleAsync() => _idle.Reader.ReadAsync().AsTask().WaitAsync(Bound);

    // ---- a store outage (a database down for a while) ----

    [Fact]
    public async Task AnOutcomeTheStoreCouldNotTakeDuringAnOutageIsRecordedOnceItIsBackNotDeliveredAgain()
    {
        var id = await AcceptAsync();
        var flaky = new OutageStore(_store) { FailingWrites = 3 };
        var worker = new DeliveryWorker(flaky, _processor, _signal, Options.Create(Defaults()), _time, _logger);

        var pass = worker.RunOnceAsync(CancellationToken.None);
        // The retries wait on the clock: 250 ms, 500 ms, 1 s.
        for (var i = 0; i < 200 && !pass.IsCompleted; i++)
        {
            await Task.Delay(10);
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }
        await pass.WaitAsync(Bound);

        Assert.Equal(NotificationState.Delivered, (await RecordAsync(id)).State);
        Assert.Single(_processor.Calls);
        Assert.Equal(3, _logger.Collector.GetSnapshot().Count(r => r.Id.Id == 2181));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2182);
    }

    [Fact]
    public void TheStoreBackoffDoublesFromThePollIntervalUpToItsCap()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), DeliveryWorker.StoreBackoff(TimeSpan.FromSeconds(1), 1));
        Assert.Equal(TimeSpan.FromSeconds(4), DeliveryWorker.StoreBackoff(TimeSpan.FromSeconds(1), 3));
        Assert.Equal(DeliveryWorker.MaxStoreBackoff, DeliveryWorker.StoreBackoff(TimeSpan.FromSeconds(1), 40));
    }

    /// <summary>The real store behind a connection that refuses the next <see cref="FailingWrites"/> outcome writes.</summary>
    private sealed class OutageStore(IAlertStore store) : IAlertStore
    {
        public int FailingWrites { get; set; }

        private Task<bool> Write(Func<Task<bool>> write) =>
            FailingWrites-- > 0 ? Task.FromException<bool>(new IOException("the database is down")) : write();

        public Task<bool> MarkDeliveredAsync(long id, string owner, CancellationToken cancellationToken) =>
            Write(() => store.MarkDeliveredAsync(id, owner, cancellationToken));

        public Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
            Write(() => store.MarkFailedAsync(id, owner, error, retryAt, cancellationToken));

        public Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken) => store.AcceptAsync(notification, cancellationToken);
        public Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken) => store.ClaimDueAsync(owner, max, lease, cancellationToken);
        public Task<bool> RenewLeaseAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken) => store.RenewLeaseAsync(id, owner, lease, cancellationToken);
        public Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken) => store.ReleaseAsync(id, owner, cancellationToken);
        public Task<bool> DeferAsync(long id, string owner, DateTimeOffset dueAt, CancellationToken cancellationToken) => store.DeferAsync(id, owner, dueAt, cancellationToken);
        public Task<RetryResult> RetryFailedAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken) => store.RetryFailedAsync(ids, cancellationToken);
        public Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);
        public Task<IReadOnlyList<NotificationRecord>> ListAsync(IReadOnlySet<NotificationState> states, int limit, CancellationToken cancellationToken) => store.ListAsync(states, limit, cancellationToken);
        public Task<NotificationCounts> CountAsync(CancellationToken cancellationToken) => store.CountAsync(cancellationToken);
        public Task<PruneResult> PruneAsync(CancellationToken cancellationToken) => store.PruneAsync(cancellationToken);
        public Task<bool> PingAsync(CancellationToken cancellationToken) => store.PingAsync(cancellationToken);
        public Task<IReadOnlySet<string>> DeliveredSinksAsync(long id, CancellationToken cancellationToken) => store.DeliveredSinksAsync(id, cancellationToken);
        public Task RecordSinkDeliveredAsync(long id, string sink, CancellationToken cancellationToken) => store.RecordSinkDeliveredAsync(id, sink, cancellationToken);
    }

    // ---- one pass: the retry rules ----

    [Fact]
    public async Task DeliveredNotificationIsMarkedDelivered()
    {
        var id = await AcceptAsync();

        Assert.Equal(1, await CreateWorker().RunOnceAsync(CancellationToken.None));

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Delivered, record.State);
        Assert.Equal(1, record.Attempts);
        Assert.Single(_processor.Calls);
        Assert.Equal(0, await CreateWorker().RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RetryableFailureIsRetriedAfterAnExponentialBackoff()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Retry("slack answered 503"));
        var id = await AcceptAsync();
        var worker = CreateWorker();

        await worker.RunOnceAsync(CancellationToken.None);
        Assert.Equal(TestNotifications.Start.AddSeconds(5), (await RecordAsync(id)).NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Pending, record.State);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), record.NextAttemptAt);
        Assert.Equal("slack answered 503", record.LastError);
        Assert.Equal(2, _processor.Calls.Count);
    }

    [Fact]
    public async Task ASinkThatAsksToBeAskedLaterSpendsNoAttemptsAndIsAskedAgainWhenItSaid()
    {
        var deferrals = 0;
        _processor.Handler = (_, _) => Task.FromResult(++deferrals <= 5
            ? DeliveryResult.Later("waiting for the storm digest", TimeSpan.FromSeconds(2))
            : DeliveryResult.Ok);
        var id = await AcceptAsync();
        var worker = CreateWorker();

        for (var pass = 0; pass < 5; pass++)
        {
            Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
            var waiting = await RecordAsync(id);
            Assert.Equal(NotificationState.Pending, waiting.State);
            Assert.Equal(0, waiting.Attempts);
            Assert.Equal(_time.GetUtcNow().AddSeconds(2), waiting.NextAttemptAt);
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Delivered, record.State);
        Assert.Equal(1, record.Attempts);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), l => l.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(6, 160)]
    [InlineData(7, 300)]
    [InlineData(500, 300)]
    public void BackoffDoublesFromTheInitialDelayUpToTheCap(int attempt, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), DeliveryWorker.RetryDelay(Defaults(), attempt, retryAfter: null));

    [Fact]
    public async Task RetryAfterOfTheReceiverIsHonouredEvenBeyondTheBackoffCap()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Retry("rate limited", TimeSpan.FromMinutes(12)));
        var id = await AcceptAsync();

        await CreateWorker().RunOnceAsync(CancellationToken.None);

        Assert.Equal(TestNotifications.Start.AddMinutes(12), (await RecordAsync(id)).NextAttemptAt);
    }

    [Fact]
    public async Task ShortRetryAfterIsUsedInsteadOfTheLongerBackoff()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Retry("rate limited", TimeSpan.FromSeconds(1)));
        var id = await AcceptAsync();

        await CreateWorker().RunOnceAsync(CancellationToken.None);

        Assert.Equal(TestNotifications.Start.AddSeconds(1), (await RecordAsync(id)).NextAttemptAt);
    }

    [Fact]
    public async Task PermanentFailureIsFailedAtOnceAndNeverRetried()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Permanent("slack: channel_not_found"));
        var id = await AcceptAsync();
        var worker = CreateWorker();

        await worker.RunOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        await worker.RunOnceAsync(CancellationToken.None);

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Failed, record.State);
        Assert.Equal("slack: channel_not_found", record.LastError);
        Assert.Single(_processor.Calls);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2105 && r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task RetryableFailuresBecomeFinalAfterTheMaximumAttempts()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Retry("slack answered 500"));
        var id = await AcceptAsync();
        var options = Defaults();
        options.MaxAttempts = 3;
        var worker = CreateWorker(options);

        for (var i = 0; i < 5; i++)
        {
            await worker.RunOnceAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(5));
        }

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Failed, record.State);
        Assert.Equal(3, record.Attempts);
        Assert.StartsWith("gave up after 3 attempts", record.LastError);
        Assert.EndsWith("slack answered 500", record.LastError);
        Assert.Equal(3, _processor.Calls.Count);
        var gaveUp = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2104);
        Assert.Equal(LogLevel.Error, gaveUp.Level);
        Assert.Contains("stays in the store as failed", gaveUp.Message);
    }

    [Fact]
    public async Task RetryableFailureOfANotificationOlderThanTheMaximumAgeIsFinal()
    {
        _processor.Handler = (_, _) => Task.FromResult(DeliveryResult.Retry("timeout"));
        var id = await AcceptAsync(receivedAt: TestNotifications.Start - TimeSpan.FromHours(25));

        await CreateWorker().RunOnceAsync(CancellationToken.None);

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Failed, record.State);
        Assert.Contains("gave up after 1 attempts", record.LastError);
    }

    [Fact]
    public async Task ProcessorExceptionIsARetryableFailureWhoseErrorHidesUrlPaths()
    {
        _processor.Handler = (_, _) => throw new HttpRequestException(
            "POST https://hooks.slack.com/services/T000/B000/SECRETTOKEN failed: connection reset");
        var id = await AcceptAsync();

        await CreateWorker().RunOnceAsync(CancellationToken.None);

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Pending, record.State);
        Assert.Equal(TestNotifications.Start.AddSeconds(5), record.NextAttemptAt);
        Assert.Equal("HttpRequestException: POST https://hooks.slack.com/… failed: connection reset", record.LastError);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2106);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(),
            r => r.Message.Contains("SECRETTOKEN", StringComparison.Ordinal) || r.Exception is not null);
    }

    [Fact]
    public void ErrorTextIsBoundedAndNeverEmpty()
    {
        Assert.Equal("delivery failed (no reason given)", DeliveryWorker.Describe(null));
        var described = DeliveryWorker.Describe(new string('x', 5000));
        Assert.Equal(1000, described.Length);
        Assert.EndsWith("…", described);
    }

    [Fact]
    public async Task LaterNotificationOfAGroupIsNotDeliveredBeforeAnEarlierFailingOne()
    {
        var failFirst = true;
        _processor.Handler = (n, _) =>
        {
            var fail = n.Status == AlertStatus.Firing && failFirst;
            failFirst = false;
            return Task.FromResult(fail ? DeliveryResult.Retry("503") : DeliveryResult.Ok);
        };
        var firing = await AcceptAsync("g");
        var resolved = await AcceptAsync("g", AlertStatus.Resolved);
        var worker = CreateWorker();

        await worker.RunOnceAsync(CancellationToken.None); // firing fails
        await worker.RunOnceAsync(CancellationToken.None); // nothing: firing backs off, resolved waits behind it
        _time.Advance(TimeSpan.FromSeconds(5));
        await worker.RunOnceAsync(CancellationToken.None); // firing delivered
        await worker.RunOnceAsync(CancellationToken.None); // then resolved

        Assert.Equal([AlertStatus.Firing, AlertStatus.Firing, AlertStatus.Resolved], _processor.Calls.Select(n => n.Status));
        Assert.Equal(NotificationState.Delivered, (await RecordAsync(firing)).State);
        Assert.Equal(NotificationState.Delivered, (await RecordAsync(resolved)).State);
    }

    [Fact]
    public async Task DifferentGroupsAreDeliveredInOnePass()
    {
        for (var i = 0; i < 10; i++)
            await AcceptAsync($"g{i}");

        Assert.Equal(10, await CreateWorker().RunOnceAsync(CancellationToken.None));

        Assert.Equal(10, _processor.Calls.Count);
        Assert.Equal(10, (await _store.ListAsync(new HashSet<NotificationState> { NotificationState.Delivered }, 100, CancellationToken.None)).Count);
    }

    // ---- the background loop ----

    [Fact]
    public async Task PendingWorkFromBeforeARestartIsDeliveredOnStart()
    {
        var id = await AcceptAsync();
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(NotificationState.Delivered, (await RecordAsync(id)).State);
    }

    [Fact]
    public async Task AcceptWakesTheWorkerWithoutWaitingForThePoll()
    {
        var options = Defaults();
        options.PollInterval = TimeSpan.FromMinutes(1); // and the fake clock never moves: only the signal can wake it
        using var worker = CreateWorker(options);
        await worker.StartAsync(CancellationToken.None);
        await WaitIdleAsync();

        var id = await AcceptAsync();
        await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(NotificationState.Delivered, (await RecordAsync(id)).State);
    }

    [Fact]
    public async Task DueRetryIsPickedUpByThePoll()
    {
        var calls = 0;
        _processor.Handler = (_, _) =>
            Task.FromResult(Interlocked.Increment(ref calls) == 1 ? DeliveryResult.Retry("503") : DeliveryResult.Ok);
        var id = await AcceptAsync();
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await WaitIdleAsync(); // first attempt failed, retry due in 5 s

        _time.Advance(TimeSpan.FromSeconds(4));
        await WaitIdleAsync(); // polled: nothing due yet
        Assert.Equal(1, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(NotificationState.Delivered, (await RecordAsync(id)).State);
    }

    [Fact]
    public async Task ProcessorExceptionDoesNotStopTheWorker()
    {
        _processor.Handler = (n, _) => n.GroupKey == "poison"
            ? throw new InvalidOperationException("renderer bug")
            : Task.FromResult(DeliveryResult.Ok);
        var poison = await AcceptAsync("poison");
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await WaitIdleAsync();

        var healthy = await AcceptAsync("healthy");
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(NotificationState.Delivered, (await RecordAsync(healthy)).State);
        var record = await RecordAsync(poison);
        Assert.Equal(NotificationState.Pending, record.State);
        Assert.Equal("InvalidOperationException: renderer bug", record.LastError);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2106 && r.Message.Contains("renderer bug", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoppingDuringADeliveryLeavesItPendingAndUncounted()
    {
        _processor.Handler = async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
            return DeliveryResult.Ok;
        };
        var id = await AcceptAsync();
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        await worker.StopAsync(CancellationToken.None).WaitAsync(Bound);

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.Pending, record.State);
        Assert.Equal(0, record.Attempts);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 2101);
    }

    // ---- no batch barriers, bounded concurrency, leases ----

    [Fact]
    public async Task ASlowNotificationDoesNotHoldUpOneThatArrivesWhileItRuns()
    {
        var slowRelease = new TaskCompletionSource<DeliveryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _processor.Handler = (n, _) => n.GroupKey == "slow" ? slowRelease.Task : Task.FromResult(DeliveryResult.Ok);
        var slow = await AcceptAsync("slow");
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        var fast = await AcceptAsync("fast");
        await Eventually.UntilAsync(() => RecordAsync(fast).Result.State == NotificationState.Delivered, Bound, "the fast notification");

        Assert.Equal(NotificationState.InFlight, (await RecordAsync(slow)).State);
        slowRelease.SetResult(DeliveryResult.Ok);
        await Eventually.UntilAsync(() => RecordAsync(slow).Result.State == NotificationState.Delivered, Bound, "the slow notification");
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task NoMoreThanMaxConcurrencyNotificationsAreInFlightAtOnce()
    {
        var running = 0;
        var most = 0;
        _processor.Handler = async (_, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(TimeSpan.FromMilliseconds(30), cancellationToken);
            Interlocked.Decrement(ref running);
            return DeliveryResult.Ok;
        };
        var ids = new List<long>();
        for (var i = 0; i < 8; i++)
            ids.Add(await AcceptAsync($"g{i}"));
        var options = Defaults();
        options.MaxConcurrency = 2;
        using var worker = CreateWorker(options);

        await worker.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => _processor.Calls.Count == 8 && Volatile.Read(ref running) == 0, Bound, "eight deliveries");
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.InRange(Volatile.Read(ref most), 1, 2);
        foreach (var id in ids)
            Assert.Equal(NotificationState.Delivered, (await RecordAsync(id)).State);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen)
            seen = actual;
    }

    [Fact]
    public async Task TheLeaseIsRenewedWhileADeliveryRuns()
    {
        var release = new TaskCompletionSource<DeliveryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _processor.Handler = (_, _) => release.Task;
        var id = await AcceptAsync();
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(TestNotifications.Start + TimeSpan.FromSeconds(30), (await RecordAsync(id)).LeaseExpiresAt);

        _time.Advance(TimeSpan.FromSeconds(10)); // a third of the 30 s lease
        await Eventually.UntilAsync(() => RecordAsync(id).Result.LeaseExpiresAt == TestNotifications.Start + TimeSpan.FromSeconds(40),
            Bound, "the renewed lease");
        _time.Advance(TimeSpan.FromSeconds(25)); // past the first lease, within the renewed one

        Assert.Empty(await _store.ClaimDueAsync("another-worker", 10, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(worker.Owner, (await RecordAsync(id)).Owner);
        release.SetResult(DeliveryResult.Ok);
        await Eventually.UntilAsync(() => RecordAsync(id).Result.State == NotificationState.Delivered, Bound, "the delivery");
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ALostClaimStopsTheDeliveryAndLeavesTheWorkToItsNewOwner()
    {
        _processor.Handler = async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
            return DeliveryResult.Ok;
        };
        var id = await AcceptAsync();
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        // As if this worker had stalled past its lease: the claim went to another worker.
        Assert.True(await _store.ReleaseAsync(id, worker.Owner, CancellationToken.None));
        Assert.Single(await _store.ClaimDueAsync("another-worker", 10, TimeSpan.FromMinutes(5), CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(10)); // the next renewal finds the claim gone
        await Eventually.UntilAsync(() => _logger.Collector.GetSnapshot().Any(r => r.Id.Id == 2110), Bound, "the lost-claim warning");
        await WaitIdleAsync();
        await worker.StopAsync(CancellationToken.None);

        var record = await RecordAsync(id);
        Assert.Equal(NotificationState.InFlight, record.State);
        Assert.Equal("another-worker", record.Owner);
        Assert.Equal(0, record.Attempts);
    }

    private sealed class FakeProcessor : INotificationProcessor
    {
        public Func<AlertNotification, CancellationToken, Task<DeliveryResult>> Handler { get; set; } =
            (_, _) => Task.FromResult(DeliveryResult.Ok);

        public ConcurrentQueue<AlertNotification> Calls { get; } = new();

        public Channel<AlertNotification> Seen { get; } = Channel.CreateUnbounded<AlertNotification>();

        public Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken)
        {
            Calls.Enqueue(notification);
            Seen.Writer.TryWrite(notification);
            return Handler(notification, cancellationToken);
        }
    }
}
