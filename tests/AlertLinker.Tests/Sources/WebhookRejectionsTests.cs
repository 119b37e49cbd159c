using System.Diagnostics.Metrics;
using System.Net;
using AlertLinker.Operability;
using AlertLinker.Sources;
using AlertLinker.Tests.Operability;
using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

public sealed class WebhookRejectionsTests
{
    [Fact]
    public void ARejectionIsOneWarningWithSourceStatusReasonAndRemoteAddressAndOneCount()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        using var counted = new MetricCollector<long>(meters, AlertLinkerMetrics.MeterName, "alertlinker_webhooks_rejected");
        var logger = new FakeLogger<WebhookRejections>();
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");

        var result = new WebhookRejections(meters, logger).Reject("grafana", context.Request, SourceProblems.Unauthorized("grafana"));

        Assert.Equal(StatusCodes.Status401Unauthorized, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        Assert.StartsWith("Rejected a grafana webhook with 401 (unauthorized) from 192.0.2.7: Missing or wrong credentials", line.Message, StringComparison.Ordinal);
        var count = Assert.Single(counted.GetMeasurementSnapshot());
        Assert.Equal(1, count.Value);
        Assert.Equal(("grafana", "unauthorized"), ((string?)count.Tags["source"], (string?)count.Tags["reason"]));
    }
}

/// <summary>Through the service: every refusal on the webhook path is logged once and counted at /metrics.</summary>
[Collection(MetricsCollection.Name)]
public sealed class WebhookRejectionsEndpointTests
{
    [Fact]
    public async Task EveryRefusedWebhookIsOneLogLineAndCountedBySourceAndReasonWithoutTheSecret()
    {
        await using var app = Create(new RecordingAlertStore());
        using var client = app.CreateClient();
        var capture = SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");
        var pagerDuty = SharedFixtures.ReadBytes("webhooks/pagerduty/v3-zulip-incident.triggered.json");

        var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager") { Content = Json(capture) };
        wrongToken.Headers.Authorization = new("Bearer", "not-" + AlertLinkerApp.BearerToken);
        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = Json(pagerDuty) };
        var responses = new[]
        {
            await client.SendAsync(wrongToken),
            await client.SendAsync(unsigned),
            await client.SendAsync(AuthorizedRequest("grafana", "{\"alerts\": [}"u8.ToArray())),
            await client.SendAsync(AuthorizedRequest("opsgenie", "a=b"u8.ToArray(), "application/x-www-form-urlencoded")),
        };

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType],
            responses.Select(r => r.StatusCode));
        var rejected = app.Logs.Where(l => l.Contains("Rejected a", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rejected.Count);
        Assert.Contains(rejected, l => l.StartsWith("Warning", StringComparison.Ordinal)
            && l.Contains("Rejected a alertmanager webhook with 401 (unauthorized) from ", StringComparison.Ordinal));
        Assert.Contains(rejected, l => l.Contains("Rejected a pagerduty webhook with 401 (bad_signature)", StringComparison.Ordinal));
        Assert.Contains(rejected, l => l.Contains("Rejected a grafana webhook with 400 (invalid_payload)", StringComparison.Ordinal));
        Assert.Contains(rejected, l => l.Contains("Rejected a opsgenie webhook with 415 (unsupported_media_type)", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, l => l.Contains(AlertLinkerApp.BearerToken, StringComparison.Ordinal) || l.Contains(PagerDutySecret, StringComparison.Ordinal));

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"unauthorized\"[^}]*source=\"alertmanager\"[^}]*\\} 1", metrics);
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"bad_signature\"[^}]*source=\"pagerduty\"[^}]*\\} 1", metrics);
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"invalid_payload\"[^}]*source=\"grafana\"[^}]*\\} 1", metrics);
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"unsupported_media_type\"[^}]*source=\"opsgenie\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public async Task ABodyOverTheLimitAndASourceWithoutCredentialsAreCountedByTheirOwnReasons()
    {
        await using var app = Create(new RecordingAlertStore(), new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Alertmanager:MaxBodyBytes"] = "2048",
            ["AlertLinker:Sources:Grafana:BearerToken"] = null,
        });
        using var client = app.CreateClient();

        var tooLarge = await client.SendAsync(AuthorizedRequest("alertmanager", new byte[4096]));
        var open = await client.SendAsync(AuthorizedRequest("grafana", "{}"u8.ToArray()));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.Unauthorized), (tooLarge.StatusCode, open.StatusCode));
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"too_large\"[^}]*source=\"alertmanager\"[^}]*\\} 1", metrics);
        Assert.Matches("alertlinker_webhooks_rejected_total\\{[^}]*reason=\"no_credentials_configured\"[^}]*source=\"grafana\"[^}]*\\} 1", metrics);
    }
}
