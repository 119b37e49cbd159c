using System.Threading.Channels;

namespace AlertLinker.Pipeline;

/// <summary>
/// Wakes the delivery worker as soon as something was accepted (or a delivery finished, freeing a slot or the next
/// notification of its group), so new work does not wait for the next poll. Signals coalesce: any number of
/// <see cref="Notify"/> calls while the worker is busy wake it once. Only this process's worker hears it; other
/// replicas find the work at their next poll.
/// </summary>
public sealed class DeliverySignal : IAcceptListener
{
    // Capacity 1 + DropWrite: a pending wake-up is a flag, not a queue; the worker drains everything due anyway.
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>
    /// Wakes the worker when the accept stored something it can claim: not for a notification of duplicates only, and
    /// not for one queued behind an earlier one of its group (a flood into one group would otherwise wake the worker
    /// once per accept for a claim that finds nothing; the earlier one's delivery signals when it ends).
    /// </summary>
    public void Accepted(AcceptResult result)
    {
        if (result.NotificationId is not null && !result.QueuedBehind)
            Notify();
    }

    /// <summary>
    /// Completes when signalled or when <paramref name="timeout"/> has passed on <paramref name="time"/>, whichever
    /// comes first, and consumes the signal. The timer is armed before this method returns, so a test can advance a
    /// fake clock as soon as it holds the task.
    /// </summary>
    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
            return Task.CompletedTask;
        return WaitSlowAsync(timeout, time, cancellationToken);
    }

    private async Task WaitSlowAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, stop.Token);
        var signalled = _channel.Reader.WaitToReadAsync(stop.Token).AsTask();
        await Task.WhenAny(delay, signalled).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        // Stop the loser (timer or channel wait) so nothing lingers; its cancellation is expected and not observed.
        await stop.CancelAsync().ConfigureAwait(false);
        _channel.Reader.TryRead(out _);
    }
}
