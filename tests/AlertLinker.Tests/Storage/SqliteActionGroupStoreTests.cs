using AlertLinker.Actions;
using AlertLinker.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Storage;

/// <summary>
/// What every <see cref="IActionGroupStore"/> must do; the SQLite store (<see cref="SqliteActionGroupStoreTests"/>) and
/// the PostgreSQL one both derive from this.
/// </summary>
public abstract class ActionGroupStoreContract : IDisposable
{
    private readonly List<IDisposable> opened = [];

    protected FakeTimeProvider Clock { get; } = TestNotifications.Clock();

    /// <summary>A store on this test's storage; a second call opens the same data again (a restart, or another replica).</summary>
    protected abstract (IActionGroupStore Store, IDisposable Owner) OpenStore();

    /// <summary>Closes what <see cref="Open"/> opened so far (the "restart").</summary>
    protected void CloseAll()
    {
        foreach (var owner in opened)
            owner.Dispose();
        opened.Clear();
    }

    protected IActionGroupStore Open()
    {
        var (store, owner) = OpenStore();
        opened.Add(owner);
        return store;
    }

    public virtual void Dispose()
    {
        CloseAll();
        GC.SuppressFinalize(this);
    }

    protected static AlertNotification Group(string groupKey = "{}:{alertname=\"HighLatency\"}", AlertStatus status = AlertStatus.Firing) => new()
    {
        Source = "alertmanager",
        GroupKey = groupKey,
        Status = status,
        ReceivedAt = TestNotifications.Start,
        Alerts = [new Alert { Fingerprint = "fp", Status = status, Name = "HighLatency", StartsAt = TestNotifications.Start, Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency" } }],
    };

    protected static readonly Dictionary<string, string> Labels = new() { ["alertname"] = "HighLatency", ["service"] = "checkout" };

    [StoreFact]
    public async Task AGroupKeepsItsButtonIdWhenRenderedAgainAndAfterARestart()
    {
        var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
        Assert.Equal(id, (await store.RegisterAsync(Group(status: AlertStatus.Resolved), Labels, CancellationToken.None)).Id);
        CloseAll();
        var reopened = Open();
        var found = await reopened.FindAsync(id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(AlertStatus.Resolved, found.Notification.Status);
        Assert.Equal(Labels, found.Matchers);
        Assert.Matches("^[a-z2-9]{12}$", id);
    }

    [StoreFact]
    public async Task TwoGroupsGetDifferentIds()
    {
        var store = Open();

        var first = await store.RegisterAsync(Group("a"), Labels, CancellationToken.None);
        var second = await store.RegisterAsync(Group("b"), Labels, CancellationToken.None);

        Assert.NotEqual(first.Id, second.Id);
    }

    [StoreFact]
    public async Task TheLatestMatchersReplaceTheOldOnes()
    {
        var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;

        await store.RegisterAsync(Group(), new Dictionary<string, string> { ["alertname"] = "HighLatency" }, CancellationToken.None);

        Assert.Equal(["alertname"], (await store.FindAsync(id, CancellationToken.None))!.Matchers.Keys);
    }

    [StoreFact]
    public async Task ASilenceIsRememberedAndCleared()
    {
        var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
        var silence = new GroupSilence("1a2b3c4d", TestNotifications.Start.AddHours(4), "U2CERLKJA", new Uri("http://am-a:9093/"));

        await store.SetSilenceAsync(id, silence, CancellationToken.None);
        Assert.Equal(silence, (await store.FindAsync(id, CancellationToken.None))!.Silence);
        Assert.Equal(silence, (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Silence);

        await store.SetSilenceAsync(id, null, CancellationToken.None);
        Assert.Null((await store.FindAsync(id, CancellationToken.None))!.Silence);
    }

    [StoreFact]
    public async Task AClickIsClaimedOnceEvenAcrossARestart()
    {
        var store = Open();
        Assert.True(await store.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", Clock.GetUtcNow(), CancellationToken.None));
        Assert.False(await store.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", Clock.GetUtcNow(), CancellationToken.None));
        CloseAll();
        var reopened = Open();
        Assert.False(await reopened.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.4|U1", Clock.GetUtcNow(), CancellationToken.None));
        Assert.True(await reopened.TryClaimAsync("click|C1|1.2|alertlinker.silence.60|3.5|U1", Clock.GetUtcNow(), CancellationToken.None));
    }

    [StoreFact]
    public async Task AGroupNotRenderedForNinetyDaysIsForgottenWhenTheNextClickIsClaimed()
    {
        var store = Open();
        var id = (await store.RegisterAsync(Group(), Labels, CancellationToken.None)).Id;
        Clock.Advance(TimeSpan.FromDays(91));

        await store.TryClaimAsync("click|later", Clock.GetUtcNow(), CancellationToken.None);

        Assert.Null(await store.FindAsync(id, CancellationToken.None));
    }

    [StoreFact]
    public async Task AnUnknownIdIsNotFound()
    {
        var store = Open();

        Assert.Null(await store.FindAsync("nosuchgroup1", CancellationToken.None));
    }

    [StoreFact]
    public async Task TwoStoresOnTheSameDataClaimAClickOnceBetweenThem()
    {
        var a = Open();
        var b = Open();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? a : b).TryClaimAsync("click|C1|1.2|alertlinker.ack|3.4|U1", Clock.GetUtcNow(), CancellationToken.None)));

        Assert.Single(claims, claimed => claimed);
    }
}

public sealed class SqliteActionGroupStoreTests : ActionGroupStoreContract
{
    private readonly TempDatabase database = new();

    protected override (IActionGroupStore Store, IDisposable Owner) OpenStore()
    {
        var store = new SqliteActionGroupStore(Microsoft.Extensions.Options.Options.Create(database.Options()), Clock);
        return (store, store);
    }

    [StoreFact]
    public async Task ItSharesTheFileWithTheAlertStore()
    {
        using var alerts = database.Open(Clock);
        var store = Open();

        await store.RegisterAsync(Group(), Labels, CancellationToken.None);
        var accepted = await alerts.AcceptAsync(Group(), CancellationToken.None);

        Assert.NotNull(accepted.NotificationId);
        Assert.True(await alerts.PingAsync(CancellationToken.None));
    }

    public override void Dispose()
    {
        base.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        database.Dispose();
    }
}
