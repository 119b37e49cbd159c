using AlertLinker.Actions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Actions;

public sealed class ActionButtonsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 40, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Now);
    private readonly RenderingGroups rendering = new();

    private ActionButtons Buttons(Action<ActionsOptions>? configure = null)
    {
        var options = new ActionsOptions
        {
            SigningSecret = "secret",
            AlertmanagerApiUrl = "http://alertmanager-a:9093, http://alertmanager-b:9093",
            PagerDutyApiToken = "token",
            PagerDutyFromEmail = "oncall@example.com",
            OpsgenieApiKey = "key",
        };
        configure?.Invoke(options);
        return new ActionButtons(rendering, Options.Create(options), time);
    }

    private static ActionGroup Group(string source, IReadOnlyDictionary<string, string>? matchers = null, GroupSilence? silence = null) => new(
        "k3x9q2m7p4ab",
        new AlertNotification
        {
            Source = source,
            GroupKey = "group-1",
            Status = AlertStatus.Firing,
            ReceivedAt = Now,
            Alerts = [new Alert { Fingerprint = "fp", Status = AlertStatus.Firing, Name = "HighLatency", StartsAt = Now }],
        },
        matchers ?? new Dictionary<string, string> { ["alertname"] = "HighLatency" },
        silence);

    private static IEnumerable<(string, string)> Shown(MessageActions? row) => row!.Actions.Select(a => (a.ActionId, a.Text));

    [Fact]
    public void AFiringAlertmanagerGroupOffersTheThreeSilences() =>
        Assert.Equal(
            [("alertlinker.silence.60", "🔕 Silence 1 h"), ("alertlinker.silence.240", "🔕 Silence 4 h"), ("alertlinker.silence.1440", "🔕 Silence 24 h")],
            Shown(Buttons().Row(Group("alertmanager"), AlertStatus.Firing)));

    [Fact]
    public void EveryButtonCarriesOnlyTheGroupsStoredId() =>
        Assert.All(Buttons().Row(Group("alertmanager"), AlertStatus.Firing)!.Actions, a => Assert.Equal("k3x9q2m7p4ab", a.Value));

    [Fact]
    public void ConfiguredDurationsReplaceTheDefaults() =>
        Assert.Equal(
            [("alertlinker.silence.30", "🔕 Silence 30 min"), ("alertlinker.silence.2880", "🔕 Silence 2 d")],
            Shown(Buttons(o => o.SilenceDurations = [TimeSpan.FromMinutes(30), TimeSpan.FromDays(2)]).Row(Group("grafana"), AlertStatus.Firing)));

    [Fact]
    public void AnActiveSilenceOffersUnsilenceWithItsEnd() =>
        Assert.Equal(
            [("alertlinker.unsilence", "🔔 Unsilence (silenced until 18:40 UTC)")],
            Shown(Buttons().Row(Group("alertmanager", silence: new GroupSilence("1a2b", Now.AddHours(4), "U1", new Uri("http://am/"))), AlertStatus.Firing)));

    [Fact]
    public void AnExpiredSilenceOffersTheSilencesAgain() =>
        Assert.Equal(3, Buttons().Row(Group("alertmanager", silence: new GroupSilence("1a2b", Now.AddMinutes(-1), "U1", new Uri("http://am/"))), AlertStatus.Firing)!.Actions.Count);

    [Fact]
    public void AGroupWithoutCommonLabelsOffersNoSilenceThatWouldMatchEverything() =>
        Assert.Null(Buttons().Row(Group("alertmanager", new Dictionary<string, string>()), AlertStatus.Firing));

    [Fact]
    public void AResolvedGroupOffersNothing() =>
        Assert.Null(Buttons().Row(Group("alertmanager"), AlertStatus.Resolved));

    [Theory]
    [InlineData("pagerduty", AlertStatus.Firing, "alertlinker.acknowledge,alertlinker.resolve")]
    [InlineData("pagerduty", AlertStatus.Acknowledged, "alertlinker.resolve")]
    [InlineData("opsgenie", AlertStatus.Firing, "alertlinker.acknowledge,alertlinker.close")]
    [InlineData("opsgenie", AlertStatus.Acknowledged, "alertlinker.close")]
    public void IncidentsOfferWhatTheirStateStillAllows(string source, AlertStatus status, string expected) =>
        Assert.Equal(expected.Split(','), Buttons().Row(Group(source), status)!.Actions.Select(a => a.ActionId));

    [Theory]
    [InlineData("pagerduty")]
    [InlineData("opsgenie")]
    public void AResolvedIncidentOffersNothing(string source) =>
        Assert.Null(Buttons().Row(Group(source), AlertStatus.Resolved));

    [Fact]
    public void AMessageBuiltOutsideADeliveryHasNoButtons() =>
        Assert.Null(Buttons().For(Group("alertmanager").Notification));

    [Fact]
    public void AMessageBuiltDuringItsDeliveryHasTheGroupsButtons()
    {
        var group = Group("alertmanager");
        rendering.Set(group);

        Assert.Equal(3, Buttons().For(group.Notification)!.Actions.Count);
    }

    [Fact]
    public void ASourceWithoutItsKeysHasNoButtons()
    {
        var group = Group("pagerduty");
        rendering.Set(group);

        Assert.Null(Buttons(o => o.PagerDutyFromEmail = null).For(group.Notification));
    }

    [Fact]
    public void WithoutTheSigningSecretNoSourceHasButtons()
    {
        var group = Group("alertmanager");
        rendering.Set(group);

        Assert.Null(Buttons(o => o.SigningSecret = null).For(group.Notification));
    }
}
