using AlertLinker.Slack;

namespace AlertLinker.Tests.Storage;

/// <summary>The slack_messages table: where each group's Slack message is, across restarts.</summary>
public sealed class SqliteSlackMessagesTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task AStoredMessageIsFoundAgainAfterARestart()
    {
        var time = TestNotifications.Clock();
        var record = new SlackMessageRecord("pagerduty", "Q1", "C1", "1503435956.000247", null, AlertStatus.Acknowledged, time.GetUtcNow());
        using (var store = database.Open(time))
            await store.SaveSlackMessageAsync(record, CancellationToken.None);

        using var reopened = database.Open(time);
        var found = await reopened.FindSlackMessageAsync("pagerduty", "Q1", "C1", CancellationToken.None);

        Assert.Equal(record, found);
    }

    [Fact]
    public async Task TheDetailRepliesTsIsStoredWithTheMessage()
    {
        var time = TestNotifications.Clock();
        var record = new SlackMessageRecord("alertmanager", "g", "C1", "1.1", null, AlertStatus.Firing, time.GetUtcNow()) { DetailTs = "1.2" };
        using (var store = database.Open(time))
            await store.SaveSlackMessageAsync(record, CancellationToken.None);

        using var reopened = database.Open(time);

        Assert.Equal("1.2", (await reopened.FindSlackMessageAsync("alertmanager", "g", "C1", CancellationToken.None))?.DetailTs);
    }

    [Fact]
    public async Task MessagesAreKeptPerSourceAndGroupAndFoundInTheChannelTheyWerePostedIn()
    {
        var time = TestNotifications.Clock();
        using var store = database.Open(time);
        await store.SaveSlackMessageAsync(new("alertmanager", "g", "C1", "1.1", null, AlertStatus.Firing, time.GetUtcNow()), CancellationToken.None);

        // Routed elsewhere now (its shared labels changed): the group keeps its message in C1.
        Assert.Equal("C1", (await store.FindSlackMessageAsync("alertmanager", "g", "C2", CancellationToken.None))?.Channel);
        Assert.Null(await store.FindSlackMessageAsync("grafana", "g", "C1", CancellationToken.None));
        Assert.Null(await store.FindSlackMessageAsync("alertmanager", "h", "C1", CancellationToken.None));
    }

    [Fact]
    public async Task SavingAgainReplacesTsThreadAndStatus()
    {
        var time = TestNotifications.Clock();
        using var store = database.Open(time);
        await store.SaveSlackMessageAsync(new("alertmanager", "g", "C1", "1.1", "0.9", AlertStatus.Firing, time.GetUtcNow()), CancellationToken.None);
        var replacement = new SlackMessageRecord("alertmanager", "g", "C1", "2.2", null, AlertStatus.Resolved, time.GetUtcNow().AddMinutes(5));

        await store.SaveSlackMessageAsync(replacement, CancellationToken.None);

        Assert.Equal(replacement, await store.FindSlackMessageAsync("alertmanager", "g", "C1", CancellationToken.None));
    }

    [Fact]
    public async Task AMessageUntouchedForTheDeliveredRetentionIsForgottenByPruning()
    {
        var time = TestNotifications.Clock();
        using var store = database.Open(time, configure: o => o.DeliveredRetention = TimeSpan.FromDays(1));
        await store.SaveSlackMessageAsync(new("alertmanager", "old", "C1", "1.1", null, AlertStatus.Resolved, time.GetUtcNow()), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(20));
        await store.SaveSlackMessageAsync(new("alertmanager", "recent", "C1", "2.2", null, AlertStatus.Firing, time.GetUtcNow()), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(5));

        await store.PruneAsync(CancellationToken.None);

        Assert.Null(await store.FindSlackMessageAsync("alertmanager", "old", "C1", CancellationToken.None));
        Assert.NotNull(await store.FindSlackMessageAsync("alertmanager", "recent", "C1", CancellationToken.None));
    }
}
