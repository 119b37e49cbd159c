using System.Globalization;
using System.Net;
using AlertLinker.Tests.TestSupport;
using WireMock.Server;

namespace AlertLinker.Tests.Backends;

/// <summary>
/// A storm through the whole service: many notifications, few services. The backends must be asked per distinct
/// question (backend, service, operation, window minute), not per alert.
/// </summary>
public sealed class BackendStormTests : IAsyncLifetime
{
    private const int Services = 4;
    private const int Alerts = 40;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly WireMockServer jaeger = StandIns.Jaeger();
    private readonly WireMockServer tempo = StandIns.Tempo();
    private AlertLinkerApp app = null!;

    public Task InitializeAsync()
    {
        app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Backends:jaeger:Type"] = "Jaeger",
            ["AlertLinker:Backends:jaeger:ApiUrl"] = jaeger.LoopbackUrl(),
            ["AlertLinker:Backends:tempo:Type"] = "Tempo",
            ["AlertLinker:Backends:tempo:ApiUrl"] = tempo.LoopbackUrl(),
            ["AlertLinker:Backends:tempo:UiUrl"] = "http://grafana.test/",
            ["AlertLinker:Backends:tempo:DatasourceUid"] = "tempo-uid",
            // Slack's pace (one message a second per channel) is not what this test measures.
            ["AlertLinker:Slack:PaceInterval"] = "00:00:00",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        jaeger.Stop();
        tempo.Stop();
    }

    /// <summary>
    /// One Alertmanager notification with one alert of <c>service-(n mod 4)</c>. The alerts start seconds apart within
    /// one minute, as a storm does; endsAt is set (Prometheus sends it), so the window does not depend on the clock.
    /// </summary>
    private static string Notification(int n)
    {
        var second = (n % 40).ToString("00", CultureInfo.InvariantCulture);
        return $$"""
            {"receiver":"slack","status":"firing","version":"4","groupKey":"storm-{{n}}","truncatedAlerts":0,
             "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am.test",
             "alerts":[{"status":"firing","labels":{"alertname":"HighLatency","service":"service-{{n % Services}}","instance":"pod-{{n}}"},
               "annotations":{},"startsAt":"2026-11-23T14:02:{{second}}Z","endsAt":"2026-11-23T14:20:00Z",
               "generatorURL":"","fingerprint":"{{n.ToString("x16", CultureInfo.InvariantCulture)}}"}]}
            """;
    }

    private async Task PostAsync(HttpClient client, int n)
    {
        using var content = new StringContent(Notification(n), System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/webhooks/alertmanager", content)).StatusCode);
    }

    private int Delivered() => app.DeliveredNotifications();

    private int BackendRequests() => jaeger.LogEntries.Count() + tempo.LogEntries.Count();

    [Fact]
    public async Task FortyAlertsOfFourServicesCostTheBackendQueriesOfFourAlerts()
    {
        using var client = app.CreateAuthorizedClient();

        // What one alert costs on its own: both searches of each backend, and the analysed exemplars fetched whole.
        await PostAsync(client, 0);
        await Eventually.UntilAsync(() => Delivered() == 1, Wait, "the first alert delivered");
        var oneAlert = BackendRequests();
        Assert.True(oneAlert >= 4, $"one alert should search both backends, saw {oneAlert} requests");

        await Task.WhenAll(Enumerable.Range(1, Alerts - 1).Select(n => PostAsync(client, n)));
        await Eventually.UntilAsync(() => Delivered() == Alerts, Wait, "all storm alerts delivered");

        Assert.True(BackendRequests() <= Services * oneAlert,
            $"{Alerts} alerts over {Services} services made {BackendRequests()} backend requests; one alert makes {oneAlert}");
        // Each backend searched once per service (Jaeger slow + errored; Tempo slow, errored and the window's traces
        // the slow ones are compared with), and fetched each exemplar trace once.
        Assert.Equal(2 * Services, jaeger.RequestsTo("/api/v3/trace-summaries").Count);
        Assert.Equal(3 * Services, tempo.RequestsTo("/api/search").Count);
        Assert.Single(jaeger.RequestsTo("/api/v3/traces/00000000000000000000000000000001"));
        Assert.Single(tempo.RequestsTo("/api/traces/5b8efff798038103d269b633813fc700"));
        // Every alert still got its own service's links.
        Assert.All(Enumerable.Range(0, Services), s =>
            Assert.Contains(app.Logs, l => l.Contains("Slack dry run: would", StringComparison.Ordinal) && l.Contains($"service-{s}", StringComparison.Ordinal)));
    }
}
