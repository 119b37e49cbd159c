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

    public const string NPlusOneTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>
    /// The case the main message must fit one screen for: one alert (with its runbook and dashboard annotations),
    /// Jaeger, Tempo and Zipkin all finding the same slow trace — checkout → inventory-service running
    /// 30 × SELECT price FROM items WHERE id = ? (750 ms of 812 ms) — plus a failing trace two of them found and one
    /// only Tempo has, and a runbook of four steps.
    /// </summary>
    public static EnrichedNotification ThreeBackends()
    {
        var trace = new Analysis.TraceBuilder(NPlusOneTraceId);
        var root = trace.Add(null, "checkout", "GET /checkout", 0, 812);
        var stock = trace.Add(root, "inventory-service", "GET /stock", 10, 790);
        for (var i = 0; i < 30; i++)
            trace.Add(stock, "inventory-service", "SELECT price FROM items WHERE id = ?", 20 + i * 25, 25,
                attributes: [("db.system", "postgresql"), ("db.statement", $"SELECT price FROM items WHERE id = {i}")]);
        var insights = AlertLinker.Analysis.TraceAnalyzer.Analyze(trace.Build());

        BackendSection Section(string name, string ui, params TraceSummary[] exemplars)
        {
            var slow = exemplars[0] with { Link = new Uri($"{ui}/trace/{exemplars[0].TraceId}") };
            var all = exemplars.Select(e => e with { Link = new Uri($"{ui}/trace/{e.TraceId}") }).ToList();
            return new BackendSection(name, name == "tempo" ? "Tempo" : name == "zipkin" ? "Zipkin" : "Jaeger",
                [
                    new BackendLink("Slow traces", new Uri($"{ui}/search?service=checkout&start=1&end=2&minDuration=500ms")),
                    new BackendLink("Errors", new Uri($"{ui}/search?service=checkout&start=1&end=2&error=true")),
                ],
                all, BackendOutcome.Found, null)
            {
                Analyses = [new AnalyzedTrace(slow, insights)],
            };
        }

        var slowest = new TraceSummary(NPlusOneTraceId, "checkout", "GET /checkout", Start, TimeSpan.FromMilliseconds(812), false, null);
        var failing = new TraceSummary("00f067aa0ba902b7a3ce929d0e0e4736", "checkout", "POST /checkout/pay", Start, TimeSpan.FromSeconds(2.4), true, null);
        var tempoOnly = new TraceSummary("7d5a2c1e9b8f4a3c2d1e0f9a8b7c6d5e", "checkout", "GET /checkout", Start, TimeSpan.FromMilliseconds(640), false, null);
        var other = new TraceSummary("1a2b3c4d5e6f708192a3b4c5d6e7f809", "checkout", "GET /checkout", Start, TimeSpan.FromMilliseconds(600), false, null);
        var backends = new[]
        {
            Section("jaeger", "http://jaeger:16686", slowest, failing, other),
            Section("tempo", "http://grafana:3000/tempo", slowest, tempoOnly),
            Section("zipkin", "http://zipkin:9411/zipkin", slowest, failing),
        };
        var alert = Alert() with
        {
            Annotations = new Dictionary<string, string>(Alert().Annotations)
            {
                ["runbook_url"] = "https://wiki.example.com/runbooks/high-latency",
                ["dashboard_url"] = "https://grafana.example.com/d/checkout?var-service=checkout&from=now-1h",
            },
        };
        const string runbook = """
            *1. The slowest traces of checkout:*
            • [jaeger](http://jaeger:16686/search?service=checkout&minDuration=0ms) · [tempo](http://grafana:3000/explore?left=%7B%7D) · [zipkin](http://zipkin:9411/zipkin/?serviceName=checkout) · TraceQL: `{ resource.service.name = "checkout" }`

            *2. Only those slower than 1 s:*
            • [jaeger](http://jaeger:16686/search?service=checkout&minDuration=1s) · [tempo](http://grafana:3000/explore?left=%7B1%7D) · [zipkin](http://zipkin:9411/zipkin/?serviceName=checkout&minDuration=1000000) · TraceQL: `{ resource.service.name = "checkout" && duration > 1s }`

            *3. The N+1 the slowest exemplar shows, in all traces:*
            • [jaeger](http://jaeger:16686/search?service=inventory-service&operation=SELECT) · TraceQL: `{ name = "SELECT price FROM items WHERE id = ?" }`

            Read the slowest trace top down: many identical short spans are
            an N+1; a gap between spans is time outside instrumented code.
            Window: 14:02–14:22 UTC, 20 min.
            """;
        return Notification(Enriched(alert, backends, [new RenderedRunbook("latency", "Latency", runbook)]));
    }

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
