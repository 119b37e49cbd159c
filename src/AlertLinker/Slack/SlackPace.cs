using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Per-channel pace (Slack allows about one message per second per channel, with short bursts): a token bucket of
/// <see cref="SlackOptions.PaceBurst"/> tokens refilled one per <see cref="SlackOptions.PaceInterval"/>, on
/// <see cref="TimeProvider"/>. Callers wait for their turn instead of earning a 429. Turns are handed out in call
/// order per channel, so what a group sends leaves in the order it was sent.
/// </summary>
internal sealed class SlackPace(IOptions<SlackOptions> options, TimeProvider time)
{
    private readonly SlackOptions options = options.Value;
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="channel"/> may take another message.</summary>
    public Task WaitTurnAsync(string channel, CancellationToken cancellationToken)
    {
        var interval = options.PaceInterval;
        if (interval <= TimeSpan.Zero)
            return Task.CompletedTask;
        var wait = buckets.GetOrAdd(channel, _ => new Bucket(time.GetTimestamp()))
            .Reserve(options.PaceBurst, interval, time);
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }

    /// <summary>
    /// GCRA as a schedule: <c>tat</c> is the theoretical time the channel's next message is due at the steady rate;
    /// a caller may go up to (burst − 1) intervals ahead of it, else waits for the difference. Reservations are taken
    /// under a lock, so concurrent callers queue one interval apart; a reservation is kept even if its caller is
    /// cancelled (the pace errs on the slow side).
    /// </summary>
    private sealed class Bucket(long origin)
    {
        private readonly Lock gate = new();
        private TimeSpan tat = TimeSpan.Zero;

        public TimeSpan Reserve(int burst, TimeSpan interval, TimeProvider time)
        {
            lock (gate)
            {
                var now = time.GetElapsedTime(origin);
                if (tat < now)
                    tat = now;
                var wait = tat - now - interval * (burst - 1);
                tat += interval;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
    }
}
