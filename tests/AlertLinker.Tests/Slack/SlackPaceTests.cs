using AlertLinker.Slack;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Slack;

/// <summary>The per-channel pace on a fake clock: nothing here sleeps.</summary>
public sealed class SlackPaceTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task AQuietChannelTakesABurstAtOnceThenOneMessagePerInterval()
    {
        var pace = Pace(interval: TimeSpan.FromSeconds(1), burst: 3);

        var turns = Enumerable.Range(0, 5).Select(_ => pace.WaitTurnAsync("C1", CancellationToken.None)).ToList();

        Assert.All(turns.Take(3), t => Assert.True(t.IsCompletedSuccessfully));
        Assert.False(turns[3].IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(turns[3].IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await turns[3];
        Assert.False(turns[4].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await turns[4];
    }

    [Fact]
    public async Task EachChannelHasItsOwnPace()
    {
        var pace = Pace(interval: TimeSpan.FromSeconds(1), burst: 1);

        await pace.WaitTurnAsync("C1", CancellationToken.None);
        var secondInC1 = pace.WaitTurnAsync("C1", CancellationToken.None);
        var firstInC2 = pace.WaitTurnAsync("C2", CancellationToken.None);

        Assert.True(firstInC2.IsCompletedSuccessfully);
        Assert.False(secondInC1.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await secondInC1;
    }

    [Fact]
    public async Task AChannelQuietForLongSavesUpNoMoreThanItsBurst()
    {
        var pace = Pace(interval: TimeSpan.FromSeconds(1), burst: 2);
        await pace.WaitTurnAsync("C1", CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));

        var turns = Enumerable.Range(0, 3).Select(_ => pace.WaitTurnAsync("C1", CancellationToken.None)).ToList();

        Assert.True(turns[0].IsCompletedSuccessfully);
        Assert.True(turns[1].IsCompletedSuccessfully);
        Assert.False(turns[2].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await turns[2];
    }

    [Fact]
    public async Task AWaitingCallerCanBeCancelled()
    {
        var pace = Pace(interval: TimeSpan.FromSeconds(10), burst: 1);
        await pace.WaitTurnAsync("C1", CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var waiting = pace.WaitTurnAsync("C1", cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void AZeroIntervalTurnsThePaceOff()
    {
        var pace = Pace(interval: TimeSpan.Zero, burst: 1);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(pace.WaitTurnAsync("C1", CancellationToken.None).IsCompletedSuccessfully));
    }

    private SlackPace Pace(TimeSpan interval, int burst) =>
        new(Microsoft.Extensions.Options.Options.Create(new SlackOptions { PaceInterval = interval, PaceBurst = burst }), time);
}
