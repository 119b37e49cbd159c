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

        Assert.Null(storms.Observe("C1", "g1", 1));
        Assert.Null(storms.Observe("C1", "g2", 1));
        Assert.Null(storms.Observe("C2", "other-channel", 1));
        var storm = storms.Observe("C1", "g3", 1);

        Assert.NotNull(storm);
        Assert.Same(storm, storms.Observe("C1", "g4", 1));
    }

    [Fact]
    public void TheSameGroupObservedAgainIsCountedOnce()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Null(storms.Observe("C1", "retried", 1)));
        Assert.Null(storms.Observe("C1", "g2", 1));
    }

    [Fact]
    public void GroupsOlderThanTheWindowDoNotCount()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));
        storms.Observe("C1", "g1", 1);
        storms.Observe("C1", "g2", 1);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Null(storms.Observe("C1", "g3", 1));
    }

    [Fact]
    public void GroupsWhosePostFailedBeforeTheStormAreNotCountedAsEarlier()
    {
        var storms = Storms(threshold: 2, window: TimeSpan.FromSeconds(30));
        storms.Observe("C1", "posted", 4);
        storms.PostedAlone("C1", "posted");
        // Slack was down: this group's own message never went out.
        storms.Observe("C1", "failed", 7);

        var storm = storms.Observe("C1", "g3", 1)!;

        Assert.Equal(1, storm.EarlierGroups);
        Assert.Equal(4, storm.EarlierAlerts);
        // Retried during the storm, the failed group joins it: counted there, once.
        Assert.Same(storm, storms.Observe("C1", "failed", 7));
    }

    [Fact]
    public void AStormDoesNotEndWhileAMemberWaitsForSlack()
    {
        var storms = Storms(threshold: 1, window: TimeSpan.FromSeconds(10));
        storms.Observe("C1", "g1", 1);
        var storm = storms.Observe("C1", "g2", 1)!;
        storm.Join(Member("g2"), new SlackOptions());

        time.Advance(TimeSpan.FromSeconds(11));

        Assert.Same(storm, storms.Current("C1"));
    }

    [Fact]
    public void TheFirstFewAndThoseWhoseFindingsDifferGetFullMessagesUpToTheCap()
    {
        var storm = new SlackStorm("C1", time.GetUtcNow(), 0, 0);
        var options = new SlackOptions { StormDetails = 2, StormMaxDetails = 3 };

        var detailed = new[] { "slow db", "slow db", "slow db", "error payments", "slow cache" }
            .Select((signature, i) => storm.Join(Member("g" + i, signature), options).WantsDetail)
            .ToList();

        // The first two; then "error payments" (new findings); "slow cache" is new too but the cap of three is reached.
        Assert.Equal([true, true, false, true, false], detailed);
    }

    [Fact]
    public void HundredsOfHostileGroupsAreAllNamedAcrossPagesWithinSlacksLimitsAndPingNoOne()
    {
        var storm = new SlackStorm("C1", time.GetUtcNow(), 1, 3);
        var members = Enumerable.Range(0, 600)
            .Select(i => storm.Join(Member($"g{i}", name: $"<!channel> Disk{i} <https://evil.example|click> " + new string('x', 60)), new SlackOptions()))
            .ToList();

        var pages = SlackStormMessages.Pages(storm, storm.Snapshot());

        Assert.True(pages.Count > 1, "600 long lines do not fit one message");
        Assert.Equal("🌩 Alert storm: 603 alerts in 601 groups", ((HeaderBlock)pages[0].Blocks[0]).Text.Text);
        Assert.Contains("continues in the thread", Mrkdwn(pages[0]), StringComparison.Ordinal);
        foreach (var page in pages)
        {
            Assert.InRange(page.Blocks.Count, 1, SlackText.MaxBlocks);
            Assert.All(page.TextObjects(), t => Assert.InRange(t.Text.Length, 1, SlackText.MaxTextLength));
            Assert.InRange(page.TextObjects().Sum(t => t.Text.Length), 1, SlackText.MaxTotalTextLength);
            Assert.All(page.TextObjects().Select(t => t.Text).Append(page.Text), text =>
            {
                Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
                Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
            });
        }
        var all = string.Join("\n", pages.Select(Mrkdwn));
        Assert.All(Enumerable.Range(0, 600), i => Assert.Contains($"Disk{i} ", all, StringComparison.Ordinal));
    }

    [Fact]
    public void ABatchedReplyHoldsManyGroupsEachWithItsFindingOrWhomItIsLikeAndALink()
    {
        var storm = new SlackStorm("C1", time.GetUtcNow(), 0, 0);
        var options = new SlackOptions { StormDetails = 1, StormMaxDetails = 1 };
        var first = storm.Join(Member("g0", "slow db", name: "First"), options);
        first.State = StormMemberState.Detailed;
        var rest = Enumerable.Range(1, 40).Select(i => storm.Join(Member($"g{i}", i % 2 == 0 ? "slow db" : "other", name: $"Rule{i}"), options)).ToList();

        var batches = SlackStormMessages.Batches(rest, storm.DetailedLike);

        var (message, held) = Assert.Single(batches);
        Assert.Equal(40, held.Count);
        var text = Mrkdwn(message);
        Assert.Contains("*Rule2* · checkout · 1 alert — like *First* above", text, StringComparison.Ordinal);
        Assert.Contains("*Rule1* · checkout · 1 alert — SELECT stock", text, StringComparison.Ordinal);
        Assert.Contains("<http://jaeger:16686/search?service=checkout|traces>", text, StringComparison.Ordinal);
    }

    private static string Mrkdwn(SlackMessage message) => string.Join("\n", message.TextObjects().Select(t => t.Text));

    private static StormMember Member(string group, string signature = "", string? name = null) =>
        new(group, "alertmanager", group, "n-" + group,
            new StormLine(name ?? group, "checkout", 1, signature, "SELECT stock (inventory) — 788 ms", new Uri("http://jaeger:16686/search?service=checkout"), "Jaeger"),
            AlertStatus.Firing);

    private SlackStorms Storms(int threshold, TimeSpan window) =>
        new(Microsoft.Extensions.Options.Options.Create(new SlackOptions { StormThreshold = threshold, StormWindow = window }), time);
}
