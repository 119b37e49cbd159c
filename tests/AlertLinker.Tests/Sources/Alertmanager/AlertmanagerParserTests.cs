using System.Text;
using AlertLinker.Sources.Alertmanager;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.Alertmanager;

public sealed class AlertmanagerParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 30, 0, TimeSpan.Zero);

    public static IEnumerable<object[]> Captures() =>
        SharedFixtures.Files("webhooks/alertmanager", "am-*-captured-*.json")
            .Where(f => !((string)f[0]).EndsWith("request-log.json", StringComparison.Ordinal));

    private static AlertNotification Parse(string fixture)
    {
        return WebhookParseAssert.Accepted(AlertmanagerParser.Parse(SharedFixtures.ReadBytes(fixture), Now));
    }

    private static string ParseError(string json)
    {
        return WebhookParseAssert.Invalid(AlertmanagerParser.Parse(Encoding.UTF8.GetBytes(json), Now));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void EveryRealCaptureParsesWithNamesFingerprintsAndTimes(string fixture)
    {
        var notification = Parse(fixture);

        Assert.Equal("alertmanager", notification.Source);
        Assert.StartsWith("{}", notification.GroupKey);
        Assert.NotEmpty(notification.Alerts);
        Assert.All(notification.Alerts, alert =>
        {
            Assert.Matches("^[0-9a-f]{16}$", alert.Fingerprint);
            Assert.Equal(alert.Labels["alertname"], alert.Name);
            Assert.Equal(2026, alert.StartsAt.Year);
            Assert.Equal(alert.Status == AlertStatus.Resolved, alert.EndsAt is not null);
        });
    }

    [Fact]
    public void FiringAlertsHaveNoEndBecauseTheZeroTimeMeansStillFiring()
    {
        var notification = Parse("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");

        Assert.All(notification.Alerts, a => Assert.Null(a.EndsAt));
        Assert.Equal(AlertStatus.Firing, notification.Status);
    }

    [Fact]
    public void TruncatedAlertsAreCarriedSoTheMessageCanSayMoreExist()
    {
        var notification = Parse("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");

        Assert.Equal(1, notification.TruncatedAlerts);
        Assert.Equal(2, notification.Alerts.Count);
        Assert.Equal("{}:{alertname=\"HighRequestLatency\"}", notification.GroupKey);
    }

    [Fact]
    public void AFiringGroupCanHoldAResolvedAlertWithItsRealEnd()
    {
        var notification = Parse("webhooks/alertmanager/am-0.25.0-captured-firing-with-one-resolved.json");

        Assert.Equal(AlertStatus.Firing, notification.Status);
        var resolved = Assert.Single(notification.Alerts, a => a.Status == AlertStatus.Resolved);
        Assert.Equal("148ca8bdcc0ede0b", resolved.Fingerprint);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 18, 17, 6, TimeSpan.Zero), resolved.EndsAt);
    }

    [Fact]
    public void AnEmptyGeneratorUrlBecomesNoGeneratorUrl()
    {
        var alert = Assert.Single(Parse("webhooks/alertmanager/am-0.25.0-captured-firing-no-generatorurl.json").Alerts);

        Assert.Null(alert.GeneratorUrl);
    }

    [Fact]
    public void GoEscapedHostileTextArrivesVerbatimForTheSinkToEscape()
    {
        var alert = Assert.Single(Parse("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json").Alerts);

        Assert.Contains("<!channel>", alert.Annotations["summary"]);
        Assert.Contains("<https://evil.example.com|click here>", alert.Annotations["summary"]);
        Assert.Contains("café ✓ 🚨", alert.Annotations["description"]);
        Assert.Equal("http://prometheus.example.com:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1", alert.GeneratorUrl);
    }

    [Fact]
    public void NewerFieldsAndNanosecondTimestampsAreAccepted()
    {
        const string json = """
            {"version":"4","groupKey":"{}:{alertname=\"X\"}","status":"firing","receiver":"r","notification_reason":"new_alert",
             "routeLabels":{"team":"a"},"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","truncatedAlerts":0,
             "alerts":[{"status":"firing","labels":{"alertname":"X"},"annotations":{},"startsAt":"2026-11-23T18:16:23.123456789Z",
               "endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"abc","somethingNew":{"nested":[1,2]}}]}
            """;

        var notification = WebhookParseAssert.Accepted(AlertmanagerParser.Parse(Encoding.UTF8.GetBytes(json), Now));
        var alert = Assert.Single(notification.Alerts);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 18, 16, 23, TimeSpan.Zero).AddTicks(1234567), alert.StartsAt);
        Assert.Null(notification.ExternalUrl);
    }

    [Fact]
    public void AMissingFingerprintIsDerivedFromTheLabelsStably()
    {
        const string json = """{"alerts":[{"status":"firing","labels":{"b":"2","alertname":"X"},"startsAt":"2026-11-23T18:16:23Z"}]}""";
        const string reordered = """{"alerts":[{"status":"firing","labels":{"alertname":"X","b":"2"},"startsAt":"2026-11-23T18:16:23Z"}]}""";

        var first = WebhookParseAssert.Accepted(AlertmanagerParser.Parse(Encoding.UTF8.GetBytes(json), Now));
        var second = WebhookParseAssert.Accepted(AlertmanagerParser.Parse(Encoding.UTF8.GetBytes(reordered), Now));
        Assert.Equal(first.Alerts[0].Fingerprint, second.Alerts[0].Fingerprint);
        Assert.Matches("^[0-9a-f]{16}$", first.Alerts[0].Fingerprint);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "wrong type")]
    [InlineData("{}", "$.alerts must be a non-empty array")]
    [InlineData("""{"alerts":[]}""", "$.alerts must be a non-empty array")]
    [InlineData("""{"alerts":[{"status":"burning","labels":{},"startsAt":"2026-11-23T18:16:23Z"}]}""", "$.alerts[0].status is \"burning\"")]
    [InlineData("""{"alerts":[{"labels":{},"startsAt":"2026-11-23T18:16:23Z"}]}""", "$.alerts[0].status is missing")]
    [InlineData("""{"alerts":[{"status":"firing","startsAt":"2026-11-23T18:16:23Z"}]}""", "$.alerts[0].labels is missing")]
    [InlineData("""{"alerts":[{"status":"firing","labels":{}}]}""", "$.alerts[0].startsAt is missing")]
    [InlineData("""{"alerts":[{"status":"firing","labels":{"severity":3},"startsAt":"2026-11-23T18:16:23Z"}]}""", "$.alerts[0].labels.severity has the wrong type")]
    [InlineData("""{"alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]}""", "$.alerts[0].startsAt has the wrong type")]
    [InlineData("""{"version":"1","alerts":[{"status":"firing","labels":{},"startsAt":"2026-11-23T18:16:23Z"}]}""", "version '1' is not supported")]
    public void BadBodiesAreRefusedWithAMessageSayingWhatIsWrong(string json, string expected)
    {
        var error = ParseError(json);

        Assert.Contains(expected, error);
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public void DeepNestingIsRefusedAsInvalidInput()
    {
        var json = "{\"alerts\":[{\"x\":" + new string('[', 200) + new string(']', 200) + "}]}";

        Assert.Contains("nested deeper than", ParseError(json));
    }

    [Fact]
    public void InvalidUtf8IsRefusedAsInvalidInput()
    {
        var body = Encoding.UTF8.GetBytes("""{"alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-11-23T18:16:23Z"}]}""");
        var bad = body.ToArray();
        bad[Array.IndexOf(bad, (byte)'X')] = 0xFF;

        var error = WebhookParseAssert.Invalid(AlertmanagerParser.Parse(bad, Now));
        Assert.Contains("not valid UTF-8 at $.alerts[0].labels.alertname", error);
    }

    [Fact]
    public void TheSameAlertRedeliveredYieldsTheSameDedupeKeysAndAResolveDoesNot()
    {
        var firing = Parse("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json");
        var again = Parse("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json");
        var resolved = Parse("webhooks/alertmanager/am-0.25.0-captured-resolved-single.json");

        Assert.Equal(firing.DedupeKeys(), again.DedupeKeys());
        Assert.Empty(firing.DedupeKeys().Intersect(resolved.DedupeKeys()));
    }
}
