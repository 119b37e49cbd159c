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
        await PostACaptureAndItsRetryAsync(client);

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Matches("alertlinker_alerts_received_total\\{[^}]*outcome=\"accepted\"[^}]*source=\"alertmanager\"[^}]*\\} 2", metrics);
        Assert.Matches("alertlinker_alerts_received_total\\{[^}]*outcome=\"duplicate\"[^}]*\\} 2", metrics);
    }

    [Fact]
    public async Task MetricsShowEachGroupCommitOfAcceptsWithHowLongItTookAndHowManyItHeld()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();
        // Both are committed: the retry, all duplicates, to find its keys seen.
        await PostACaptureAndItsRetryAsync(client);

        var metrics = await client.GetStringAsync("/metrics");

        // One after the other, so one commit each; the sizes add up to the accepts.
        Assert.Equal(2, Sample(metrics, "alertlinker_store_group_commit_accepts_sum"));
        Assert.Equal(2, Sample(metrics, "alertlinker_store_group_commit_accepts_count"));
        Assert.Equal(2, Sample(metrics, "alertlinker_store_group_commit_duration_seconds_count"));
        var seconds = Sample(metrics, "alertlinker_store_group_commit_duration_seconds_sum");
        Assert.InRange(seconds, double.Epsilon, 10);
        // Buckets for milliseconds, not the SDK's default (0, 5, 10 … seconds), which would put every commit in the first.
        Assert.Matches("alertlinker_store_group_commit_duration_seconds_bucket\\{[^}]*le=\"0.001\"[^}]*\\} \\d+", metrics);
    }

    /// <summary>A real Alertmanager capture posted twice: a new notification, then its retry (every alert a duplicate).</summary>
    private static async Task PostACaptureAndItsRetryAsync(HttpClient client)
    {
        var capture = SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json");
        for (var i = 0; i < 2; i++)
        {
            var content = new ByteArrayContent(capture);
            content.Headers.ContentType = new("application/json");
            Assert.Equal(System.Net.HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);
        }
    }

    private static double Sample(string metrics, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(metrics, "^" + name + "(?:\\{[^}]*\\})? (\\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is not in /metrics");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
