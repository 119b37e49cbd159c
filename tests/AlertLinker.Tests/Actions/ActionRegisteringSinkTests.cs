using Microsoft.Extensions.DependencyInjection;
using AlertLinker.Actions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Actions;

public sealed class ActionRegisteringSinkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 40, 0, TimeSpan.Zero);
    private readonly RenderingGroups rendering = new();

    private static readonly IOptions<ActionsOptions> Options = Microsoft.Extensions.Options.Options.Create(new ActionsOptions
    {
        SigningSecret = "secret",
        AlertmanagerApiUrl = "http://alertmanager:9093",
    });

    /// <summary>The sink as the builder sees it: records which group the row provider could find while delivering.</summary>
    private sealed class SeeingSink(RenderingGroups rendering) : IAlertSink
    {
        public List<ActionGroup?> Seen { get; } = [];

        public Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
        {
            Seen.Add(rendering.Find(notification.Notification.Source, notification.Notification.GroupKey));
            return Task.FromResult(DeliveryResult.Ok);
        }
    }

    private sealed class FakeStore(bool fails) : IActionGroupStore
    {
        public List<IReadOnlyDictionary<string, string>> Registered { get; } = [];

        public Task<ActionGroup> RegisterAsync(AlertNotification notification, IReadOnlyDictionary<string, string> matchers, CancellationToken cancellationToken)
        {
            if (fails)
                throw new IOException("disk full");
            Registered.Add(matchers);
            return Task.FromResult(new ActionGroup("k3x9q2m7p4ab", notification, matchers, null));
        }

        public Task<ActionGroup?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult<ActionGroup?>(null);

        public Task SetSilenceAsync(string id, GroupSilence? silence, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> TryClaimAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(true);
    }

    private static EnrichedNotification Notification(string source, params Alert[] alerts) => new(new AlertNotification
    {
        Source = source,
        GroupKey = "{}:{alertname=\"HighLatency\"}",
        Status = AlertStatus.Firing,
        ReceivedAt = Now,
        CommonLabels = new Dictionary<string, string> { ["alertname"] = "HighLatency" },
        Alerts = alerts,
    }, []);

    private static Alert Alert(string instance) => new()
    {
        Fingerprint = instance,
        Status = AlertStatus.Firing,
        Name = "HighLatency",
        StartsAt = Now,
        Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["instance"] = instance },
    };

    [Fact]
    public async Task TheGroupIsStoredBeforeTheMessageIsBuiltAndForgottenAfter()
    {
        var inner = new SeeingSink(rendering);
        var store = new FakeStore(fails: false);
        var sink = new ActionRegisteringSink(inner, store, rendering, Options, NullLogger<ActionRegisteringSink>.Instance);
        var notification = Notification("alertmanager", Alert("web-1"));

        var result = await sink.DeliverAsync(notification, CancellationToken.None);

        Assert.True(result.Delivered);
        Assert.Equal("k3x9q2m7p4ab", Assert.Single(inner.Seen)?.Id);
        Assert.Equal("web-1", Assert.Single(store.Registered)["instance"]);
        Assert.Null(rendering.Find("alertmanager", notification.Notification.GroupKey));
    }

    [Fact]
    public async Task AGroupOfSeveralAlertsIsSilencedOnTheLabelsTheyShare()
    {
        var store = new FakeStore(fails: false);
        var sink = new ActionRegisteringSink(new SeeingSink(rendering), store, rendering, Options, NullLogger<ActionRegisteringSink>.Instance);

        await sink.DeliverAsync(Notification("alertmanager", Alert("web-1"), Alert("web-2")), CancellationToken.None);

        Assert.Equal(["alertname"], Assert.Single(store.Registered).Keys);
    }

    [Fact]
    public async Task AStoreFailureCostsTheButtonsNeverTheMessage()
    {
        var inner = new SeeingSink(rendering);
        var sink = new ActionRegisteringSink(inner, new FakeStore(fails: true), rendering, Options, NullLogger<ActionRegisteringSink>.Instance);

        var result = await sink.DeliverAsync(Notification("alertmanager", Alert("web-1")), CancellationToken.None);

        Assert.True(result.Delivered);
        Assert.Null(Assert.Single(inner.Seen));
    }

    [Fact]
    public async Task ASourceWithoutActionsIsNotStored()
    {
        var store = new FakeStore(fails: false);
        var sink = new ActionRegisteringSink(new SeeingSink(rendering), store, rendering, Options, NullLogger<ActionRegisteringSink>.Instance);

        await sink.DeliverAsync(Notification("pagerduty", Alert("PT4KHLK")), CancellationToken.None);

        Assert.Empty(store.Registered);
    }

    [Fact]
    public async Task WithoutActionsConfiguredTheSinkIsNotWrappedAndNoActionStoreIsOpened()
    {
        await using var app = new AlertLinker.Tests.TestSupport.AlertLinkerApp();

        Assert.IsNotType<ActionRegisteringSink>(app.Services.GetRequiredService<IAlertSink>());
        await using var actions = new AlertLinker.Tests.TestSupport.AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Slack:SigningSecret"] = "secret",
            ["AlertLinker:Sources:Alertmanager:ApiUrl"] = "http://127.0.0.1:9093/",
        });
        Assert.IsType<ActionRegisteringSink>(actions.Services.GetRequiredService<IAlertSink>());
    }
}
