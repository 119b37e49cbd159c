using AlertLinker.Slack;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

public sealed class SlackRouterTests
{
    [Fact]
    public void WithoutRoutesEveryGroupGoesToTheDefaultChannel()
    {
        var router = Router([]);

        Assert.Equal("CDEFAULT", router.ChannelFor(Group(("team", "payments"))));
    }

    [Fact]
    public void TheFirstMatchingRouteWinsAndNoMatchFallsBackToTheDefault()
    {
        var router = Router([("team=\"payments\", severity=~\"critical|page\"", "CPAGE"), ("team=\"payments\"", "CPAY"), ("{}", "CALL")]);
        var noCatchAll = Router([("team=\"payments\"", "CPAY")]);

        Assert.Equal("CPAGE", router.ChannelFor(Group(("team", "payments"), ("severity", "critical"))));
        Assert.Equal("CPAY", router.ChannelFor(Group(("team", "payments"), ("severity", "warning"))));
        Assert.Equal("CALL", router.ChannelFor(Group(("team", "search"))));
        Assert.Equal("CDEFAULT", noCatchAll.ChannelFor(Group(("team", "search"))));
    }

    [Fact]
    public void RoutesMatchTheLabelsAllAlertsOfTheGroupShareSoEveryNotificationOfAGroupLandsInOneChannel()
    {
        var router = Router([("severity=\"critical\"", "CCRIT"), ("team=\"payments\"", "CPAY")]);
        var mixed = new AlertNotification
        {
            Source = "alertmanager",
            GroupKey = "g",
            Status = AlertStatus.Firing,
            ReceivedAt = Start,
            Alerts =
            [
                Alert() with { Labels = new Dictionary<string, string> { ["team"] = "payments", ["severity"] = "critical" } },
                Alert(fingerprint: "fp2") with { Labels = new Dictionary<string, string> { ["team"] = "payments", ["severity"] = "warning" } },
            ],
        };

        Assert.Equal("CPAY", router.ChannelFor(mixed));
    }

    private static SlackRouter Router(IReadOnlyList<(string Match, string Channel)> routes) =>
        new(Microsoft.Extensions.Options.Options.Create(new SlackOptions
        {
            BotToken = "xoxb-1",
            Channel = "CDEFAULT",
            Routes = routes.Select(r => new SlackRoute { Match = r.Match, Channel = r.Channel }).ToList(),
        }));

    private static AlertNotification Group(params (string Name, string Value)[] labels) => new()
    {
        Source = "alertmanager",
        GroupKey = "g",
        Status = AlertStatus.Firing,
        ReceivedAt = Start,
        Alerts = [Alert() with { Labels = labels.ToDictionary(l => l.Name, l => l.Value) }],
    };
}
