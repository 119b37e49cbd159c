using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Slack;

/// <summary>Enriched notifications for the Slack tests, built by hand from the pipeline's records.</summary>
internal static class SlackTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 17, 0, TimeSpan.Zero);

    public const string HostileFixture = "webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json";

    public static Alert Alert(string name = "HighLatency", AlertStatus status = AlertStatus.Firing, string fingerprint = "fp1") => new()
    {
        Fingerprint = fingerprint,
        Status = status,
        Name = name,
        StartsAt = Start,
        Labels = new Dictionary<string, string> { ["alertname"] = name, ["service"] = "checkout", ["severity"] = "critical" },
        Annotations = new Dictionary<string, string>
        {
            ["summary"] = "p99 latency above 500ms",
            ["description"] = "checkout p99 is 812ms for 5 minutes",
        },
        GeneratorUrl = "http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%29&g0.tab=1",
    };

    public static BackendSection Jaeger() => new(
        "jaeger",
        "Jaeger",
        [
            new BackendLink("Slow traces", new Uri("http://jaeger:16686/search?service=checkout&start=1&end=2&minDuration=500ms")),
            new BackendLink("Errors", new Uri("http://jaeger:16686/search?service=checkout&tags=%7B%22error%22%3A%22true%22%7D")),
        ],
        [
            new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736", "checkout", "GET /checkout", Start, TimeSpan.FromMilliseconds(812), false,
                new Uri("http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736")),
            new TraceSummary("00f067aa0ba902b7a3ce929d0e0e4736", "checkout", "POST /checkout/pay", Start, TimeSpan.FromSeconds(2.4), true,
                new Uri("http://jaeger:16686/trace/00f067aa0ba902b7a3ce929d0e0e4736")),
        ],
        BackendOutcome.Found,
        null);

    public static BackendSection TempoTimedOut() => new("tempo", "Tempo", [], [], BackendOutcome.TimedOut, null);

    /// <summary>A rendered runbook: its text is the neutral markup runbooks render (<see cref="Markup"/>), not mrkdwn.</summary>
    public static RenderedRunbook Runbook(string text = "Filter traces for `db.system = postgresql`, slowest first: [Jaeger search](http://jaeger:16686/search?service=checkout&tags=db)") =>
        new("db-saturation", "Database saturation", text);

    public static EnrichedAlert Enriched(Alert alert, IReadOnlyList<BackendSection>? backends = null, IReadOnlyList<RenderedRunbook>? runbooks = null) =>
        new(new ResolvedAlert(alert, alert.Label("service") ?? alert.Label("job"), null,
                new AlertWindow(Start.AddMinutes(-15), Start.AddMinutes(5)), null),
            backends ?? [Jaeger(), TempoTimedOut()],
            runbooks ?? [Runbook()]);

    public static EnrichedNotification Notification(params EnrichedAlert[] alerts) => Notification(alerts, 0);

    public static EnrichedNotification Notification(IReadOnlyList<EnrichedAlert> alerts, int truncated, string groupKey = "{}:{alertname=\"HighLatency\"}") =>
        new(new AlertNotification
        {
            Source = "alertmanager",
            GroupKey = groupKey,
            Status = alerts.Any(a => a.Alert.Status == AlertStatus.Firing) ? AlertStatus.Firing : AlertStatus.Resolved,
            Alerts = alerts.Select(a => a.Alert).ToList(),
            TruncatedAlerts = truncated,
            CommonLabels = alerts.Count == 1 ? alerts[0].Alert.Labels : new Dictionary<string, string>(),
            ExternalUrl = "http://alertmanager.example.com:9093",
            Receiver = "slack",
            ReceivedAt = Start,
        }, alerts);

    /// <summary>The hostile-text capture, read the simple way (the Alertmanager parser is another helper's).</summary>
    public static EnrichedNotification Hostile()
    {
        using var json = JsonDocument.Parse(SharedFixtures.Read(HostileFixture));
        var root = json.RootElement;
        var alerts = root.GetProperty("alerts").EnumerateArray().Select(a => new Alert
        {
            Fingerprint = a.GetProperty("fingerprint").GetString()!,
            Status = AlertStatus.Firing,
            Name = a.GetProperty("labels").GetProperty("alertname").GetString()!,
            StartsAt = a.GetProperty("startsAt").GetDateTimeOffset(),
            Labels = Strings(a.GetProperty("labels")),
            Annotations = Strings(a.GetProperty("annotations")),
            GeneratorUrl = a.GetProperty("generatorURL").GetString(),
        }).ToList();
        var summary = alerts[0].Annotations["summary"];
        // The same hostile text wherever else alert or backend text can reach the message.
        var enriched = alerts.Select(alert => Enriched(
            alert with
            {
                Labels = new Dictionary<string, string>(alert.Labels) { ["pod"] = summary },
                Links = [new AlertLink(summary, new Uri("https://grafana.example.com/d/x?a=1&b=2"))],
            },
            [
                new BackendSection(summary, "Jaeger", [new BackendLink(summary, new Uri("http://jaeger:16686/search?service=postgres"))],
                    [new TraceSummary(summary, summary, summary, null, TimeSpan.FromMilliseconds(5), true, null)], BackendOutcome.Found, summary),
                new BackendSection("tempo", "Tempo", [], [], BackendOutcome.Failed, summary),
            ],
            [new RenderedRunbook("broken", summary, "", Error: summary), Runbook() with { Title = summary }])).ToList();
        return new EnrichedNotification(new AlertNotification
        {
            Source = "alertmanager",
            GroupKey = root.GetProperty("groupKey").GetString()!,
            Status = AlertStatus.Firing,
            Alerts = alerts,
            CommonLabels = Strings(root.GetProperty("commonLabels")),
            ExternalUrl = root.GetProperty("externalURL").GetString(),
            Receiver = summary,
            ReceivedAt = Start,
        }, enriched);
    }

    private static Dictionary<string, string> Strings(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}
