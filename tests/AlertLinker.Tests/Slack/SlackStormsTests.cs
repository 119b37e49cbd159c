using AlertLinker.Slack;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Slack;

public sealed class SlackStormsTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));

    [Fact]
    public void AStormStartsWithTheFirstGroupBeyondTheThresholdWithinTheWindow()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));

        Assert.Null(storms.Observe("C1", "g1"));
        Assert.Null(storms.Observe("C1", "g2"));
        Assert.Null(storms.Observe("C2", "other-channel"));
        var storm = storms.Observe("C1", "g3");

        Assert.NotNull(storm);
        Assert.Same(storm, storms.Observe("C1", "g4"));
    }

    [Fact]
    public void TheSameGroupObservedAgainIsCountedOnce()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Null(storms.Observe("C1", "retried")));
        Assert.Null(storms.Observe("C1", "g2"));
    }

    [Fact]
    public void GroupsOlderThanTheWindowDoNotCount()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));
        storms.Observe("C1", "g1");
        storms.Observe("C1", "g2");
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Null(storms.Observe("C1", "g3"));
    }

    [Fact]
    public void AHugeHostileDigestStaysWithinSlacksLimitsAndPingsNoOne()
    {
        var storms = Storms(threshold: 1, window: TimeSpan.FromMinutes(1));
        storms.Observe("C1", "before");
        var stormy = storms.Observe("C1", "g0")!;
        for (var i = 0; i < 300; i++)
            stormy.Add($"g{i}", $"<!channel> Disk{i} <https://evil.example|click> " + new string('x', 100));

        var digest = stormy.Digest();

        Assert.Equal(300, stormy.Count);
        Assert.All(digest.TextObjects(), t => Assert.InRange(t.Text.Length, 1, SlackText.MaxTextLength));
        Assert.InRange(((HeaderBlock)digest.Blocks[0]).Text.Text.Length, 1, SlackText.MaxHeaderLength);
        Assert.StartsWith("🌩 301 alerts in 1 s — 300 in this thread", digest.Text, StringComparison.Ordinal);
        var list = digest.TextObjects().Last().Text;
        Assert.Matches(@"…and \d+ more$", list);
        Assert.All(digest.TextObjects().Select(t => t.Text).Append(digest.Text), text =>
        {
            Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
            Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
        });
    }

    private SlackStorms Storms(int threshold, TimeSpan window) =>
        new(Microsoft.Extensions.Options.Options.Create(new SlackOptions { StormThreshold = threshold, StormWindow = window }), time);
}
