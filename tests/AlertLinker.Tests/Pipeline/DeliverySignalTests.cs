using AlertLinker.Pipeline;
using AlertLinker.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Pipeline;

public sealed class DeliverySignalTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly DeliverySignal _signal = new();

    [Fact]
    public void SignalGivenBeforeTheWaitCompletesItAtOnce()
    {
        _signal.Notify();

        Assert.True(_signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task SignalWakesAWaiter()
    {
        var wait = _signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        _signal.Notify();

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ManySignalsCoalesceIntoOneWakeUp()
    {
        for (var i = 0; i < 100; i++)
            _signal.Notify();

        await _signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None);

        Assert.False(_signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task WaitEndsWhenTheTimeoutPassesOnTheClock()
    {
        var wait = _signal.WaitAsync(TimeSpan.FromSeconds(30), _time, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AcceptWakesTheDeliverySignalOnlyWhenSomethingWasStored()
    {
        using var db = new TempDatabase();
        var time = TestNotifications.Clock();
        var signal = new DeliverySignal();
        using var store = db.Open(time);

        signal.Accepted(await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None));
        Assert.True(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);

        signal.Accepted(await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None)); // duplicate
        Assert.False(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task AnAcceptQueuedBehindAnEarlierNotificationOfItsGroupDoesNotWakeTheWorker()
    {
        using var db = new TempDatabase();
        var time = TestNotifications.Clock();
        var signal = new DeliverySignal();
        using var store = db.Open(time);
        signal.Accepted(await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f1"]), CancellationToken.None));
        await signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None);

        // The first is still pending: the worker could not claim the second, and the first's delivery wakes it.
        signal.Accepted(await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f2"]), CancellationToken.None));
        Assert.False(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);

        signal.Accepted(await store.AcceptAsync(TestNotifications.Create(groupKey: "another", fingerprints: ["f1"]), CancellationToken.None));
        Assert.True(signal.WaitAsync(TimeSpan.FromHours(1), time, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task CancellingTheWaitThrows()
    {
        using var cancel = new CancellationTokenSource();
        var wait = _signal.WaitAsync(TimeSpan.FromMinutes(1), _time, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
