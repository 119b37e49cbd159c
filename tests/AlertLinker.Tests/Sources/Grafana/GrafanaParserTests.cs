using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.Grafana;

public sealed class GrafanaParserTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private static AlertNotification Parse(string fixture)
    {
        return WebhookParseAssert.Accepted(GrafanaParser.Parse(SharedFixtures.ReadBytes("webhooks/grafana/" + fixture), ReceivedAt));
    }

    [Fact]
    public void TheDocsExampleIsTwoFiringGrafanaAlertsWithValuesAndASilenceLink()
    {
        var notification = Parse("grafana-docs-webhook-firing-2-alerts.json");

        Assert.Equal(("grafana", "{}:{}", AlertStatus.Firing, 2), (notification.Source, notification.GroupKey, notification.Status, notification.Alerts.Count));
        var first = notification.Alerts[0];
        Assert.Equal(("High memory usage", "c6eadffa33fcdf37"), (first.Name, first.Fingerprint));
        Assert.Equal("B=44.23943737541908, C=1", first.Annotations["values"]);
        Assert.Equal("[FIRING:2]  (blue)", first.Annotations["grafana_title"]);
        Assert.Equal("alerting", first.Annotations["grafana_state"]);
        var silence = Assert.Single(first.Links);
        Assert.Equal("Silence", silence.Title);
        Assert.StartsWith("https://play.grafana.org/alerting/silence/new?", silence.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2021-10-12T09:51:03.157076+02:00"), first.StartsAt);
        Assert.Equal("https://play.grafana.org/", notification.ExternalUrl);
    }

    [Fact]
    public void TheGrafana11CaptureCarriesValueStringAndDashboardPanelSilenceAndImageLinks()
    {
        var alert = Assert.Single(Parse("zulip-grafana-v11-firing-values-valueString.json").Alerts);

        Assert.StartsWith("[ var='A' labels={instance=node_exporter:9100, job=node} value=2.473545728e+09 ]", alert.Annotations["value_string"], StringComparison.Ordinal);
        Assert.Equal("A=2473545728, B=0, C=1, minute=9", alert.Annotations["values"]);
        Assert.Equal(["Grafana dashboard", "Grafana panel", "Silence", "Alert image"], alert.Links.Select(l => l.Title));
        Assert.Equal("https://play.grafana.org/d/ece9fb32-7f71-4be9-bd94-2f23608ae5b9?orgId=1&viewPanel=2", alert.Links[1].Url.AbsoluteUri);
        Assert.Equal("device", alert.Label("grafana_folder"));
    }

    [Fact]
    public void AnAlertmanagerVersion4BodyIsRefusedHere()
    {
        var body = SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");

        var error = WebhookParseAssert.Invalid(GrafanaParser.Parse(body, ReceivedAt));
        Assert.Contains("Webhook version '4' is not supported here", error);
    }

    [Fact]
    public void TheAlertmanagerEndpointStillRefusesGrafanasVersion1AndPointsHere()
    {
        var body = SharedFixtures.ReadBytes("webhooks/grafana/grafana-docs-webhook-firing-2-alerts.json");

        var error = WebhookParseAssert.Invalid(AlertmanagerParser.Parse(body, ReceivedAt));
        Assert.Contains("/webhooks/grafana", error);
    }

    [Fact]
    public void AWrongTypeInAGrafanaOnlyFieldIsRefusedWithItsPath()
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/grafana/grafana-docs-webhook-firing-2-alerts.json"))!;
        node["alerts"]![1]!["dashboardURL"] = 7;

        var error = WebhookParseAssert.Invalid(GrafanaParser.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()), ReceivedAt));
        Assert.Contains("$.alerts[1].dashboardURL has the wrong type", error);
    }

    [Fact]
    public void ANonHttpImageUrlBecomesNoLink()
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/grafana/zulip-grafana-v11-firing-values-valueString.json"))!;
        node["alerts"]![0]!["imageURL"] = "javascript:alert(1)";

        var notification = WebhookParseAssert.Accepted(GrafanaParser.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()), ReceivedAt));
        Assert.DoesNotContain(notification.Alerts[0].Links, l => l.Title == "Alert image");
    }
}
