using AlertLinker.Actions;
using AlertLinker.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Storage;

public sealed class SqliteActionGroupStoreTests : IDisposable
{
    private readonly TempDatabase database = new();
    private readonly FakeTimeProvider time = TestNotifications.Clock();

    private SqliteActionGroupStore Open() => new(Microsoft.Extensions.Options.Options.Create(database.Options()), time);

    private static AlertNotification Group(string groupKey = "{}:{alertname=\"HighLatency\"}", AlertStatus status = AlertStatus.Firing) => new()
    {
        Source = "alertmanager",
        GroupKey = groupKey,
        Status = status,
        ReceivedAt = TestNotifications.Start,
        Alerts = [new Alert { Fingerprint = "fp", Status = status, Name = "HighLatency", StartsAt = TestNotifications.Start, Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency" } }],
    };

    private static readonly Dictionary<string, string> Labels = new() { ["alertname"] = "HighLatency", ["service"] = "checkout" };

    [Fact]
    public async Task AGroupKeepsItsButtonIdWhenRenderedAgainAndAfterARestart()
    {
        string id;
        using (var store = Open())
        {
            id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
            Assert.Equal(id, (await store.RegisterAsync(Group(status: AlertStatus.Resolved), Labels, CancellationToken.None)).Id);
        }
        using var reopened = Open();
        var found = await reopened.FindAsync(id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(AlertStatus.Resolved, found.Notification.Status);
        Assert.Equal(Labels, found.Matchers);
        Assert.Matches("^[a-z2-9]{12}$", id);
    }

    [Fact]
    public async Task TwoGroupsGetDifferentIds()
    {
        using var store = Open();

        var first = await store.RegisterAsync(Group("a"), Labels, CancellationToken.None);
        var second = await store.RegisterAsync(Group("b"), Labels, CancellationToken.None);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task TheLatestMatchersReplaceTheOldOnes()
    {
        using var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;

        await store.RegisterAsync(Group(), new Dictionary<string, string> { ["alertname"] = "HighLatency" }, CancellationToken.None);

        Assert.Equal(["alertname"], (await store.FindAsync(id, CancellationToken.None))!.Matchers.Keys);
    }

    [Fact]
    public async Task ASilenceIsRememberedAndCleared()
    {
        using var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
        var silence = new GroupSilence("1a2b3c4d", TestNotifications.Start.AddHours(4), "U2CERLKJA", new Uri("http://am-a:9093/"));

        await store.SetSilenceAsync(id, silence, CancellationToken.None);
        Assert.Equal(silence, (await store.FindAsync(id, CancellationToken.None))!.Silence);
        Assert.Equal(silence, (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Silence);

        await store.SetSilenceAsync(id, null, CancellationToken.None);
        Assert.Null((await store.FindAsync(id, CancellationToken.None))!.Silence);
    }

    [Fact]
    public async Task AClickIsClaimedOnceEvenAcrossARestart()
    {
        using (var store = Open())
        {
            Assert.True(await store.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", time.GetUtcNow(), CancellationToken.None));
            Assert.False(await store.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", time.GetUtcNow(), CancellationToken.None));
        }
        using var reopened = Open();
        Assert.False(await reopened.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", time.GetUtcNow(), CancellationToken.None));
        Assert.True(await reopened.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.5|U1", time.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task AGroupNotRenderedForNinetyDaysIsForgottenWhenTheNextClickIsClaimed()
    {
        using var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
        time.Advance(TimeSpan.FromDays(91));

        await store.TryClaimAsync("click|later", time.GetUtcNow(), CancellationToken.None);

        Assert.Null(await store.FindAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnknownIdIsNotFound()
    {
        using var store = Open();

        Assert.Null(await store.FindAsync("nosuchgroup1", CancellationToken.None));
    }

    [Fact]
    public async Task ItSharesTheFileWithTheAlertStore()
    {
        using var alerts = database.Open(time);
        using var store = Open();

        await store.RegisterAsync(Group(), Labels, CancellationToken.None);
        var accepted = await alerts.AcceptAsync(Group(), CancellationToken.None);

        Assert.NotNull(accepted.NotificationId);
        Assert.True(await alerts.PingAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        database.Dispose();
    }
}
