using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Operability;

/// <summary>
/// The OpenTelemetry meter provider listens to every meter named "AlertLinker" in the process, so another test app
/// running at the same time would add to these counts: these tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}

[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task MetricsCountTheAlertsReceivedBySourceAndOutcome()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();
        var capture = SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");
        for (var i = 0; i < 2; i++)
        {
            var content = new ByteArrayContent(capture);
            content.Headers.ContentType = new("application/json");
            await client.PostAsync("/webhooks/alertmanager", content);
        }

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Matches("alertlinker_alerts_received_total\\{[^}]*outcome=\"accepted\"[^}]*source=\"alertmanager\"[^}]*\\} 2", metrics);
        Assert.Matches("alertlinker_alerts_received_total\\{[^}]*outcome=\"duplicate\"[^}]*\\} 2", metrics);
    }
}
