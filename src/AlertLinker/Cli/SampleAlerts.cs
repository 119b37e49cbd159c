using AlertLinker.Analysis;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;
using Microsoft.Extensions.Options;

namespace AlertLinker.Cli;

/// <summary>
/// What <c>templates check</c> renders every template against: one typical notification per source, resolved as
/// the service would, with a backend section holding an exemplar and its analysed trace (a slow statement run
/// many times), so templates that read <c>findings</c> and <c>backends</c> render too.
/// </summary>
internal static class SampleAlerts
{
    private static readonly DateTimeOffset StartsAt = new(2026, 11, 23, 14, 2, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = StartsAt.AddMinutes(10);

    public static IReadOnlyList<RunbookSample> BuiltIn()
    {
        var backends = Backends();
        return
        [
            .. Samples(Notification("alertmanager", "HighLatency", new()
            {
                ["alertname"] = "HighLatency", ["service"] = "checkout", ["severity"] = "page", ["job"] = "checkout",
                ["instance"] = "checkout-7d9f:8080", ["namespace"] = "shop", ["db_system"] = "postgresql",
            }, "http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_server_duration_bucket%5B5m%5D%29%29+%3E+0.5"), backends),
            .. Samples(Notification("grafana", "CheckoutErrors", new()
            {
                ["alertname"] = "CheckoutErrors", ["service_name"] = "checkout", ["span_name"] = "POST /checkout",
                ["span_kind"] = "SPAN_KIND_SERVER", ["status_code"] = "STATUS_CODE_ERROR", ["grafana_folder"] = "shop",
            }, "http://grafana:3000/alerting/grafana/abc/view"), backends),
            .. Samples(Notification("pagerduty", "Payments API timeouts", new()
            {
                ["service"] = "payments-api", ["urgency"] = "high", ["peer_service"] = "stripe", ["http_status"] = "504",
            }, null), backends),
            .. Samples(Notification("opsgenie", "Orders queue backlog", new()
            {
                ["service"] = "orders-worker", ["priority"] = "P2", ["topic"] = "orders", ["messaging_system"] = "kafka",
                ["consumer"] = "orders-worker", ["cronjob"] = "nightly-reindex",
            }, null), backends),
        ];
    }

    /// <summary>Each alert of a notification resolved as the service resolves it, with the sample backends.</summary>
    public static IEnumerable<RunbookSample> Samples(AlertNotification notification, IReadOnlyList<BackendSection> backends, string? name = null)
    {
        var resolver = new AlertResolver(Options.Create(new ServiceOptions()), Options.Create(new WindowOptions()));
        return notification.Alerts.Select(alert => new RunbookSample(
            $"{name ?? "the sample " + notification.Source + " alert"} '{alert.Name}'",
            resolver.Resolve(alert, Now),
            backends));
    }

    private static AlertNotification Notification(string source, string name, Dictionary<string, string> labels, string? generatorUrl)
    {
        var alert = new Alert
        {
            Fingerprint = $"{source}-sample",
            Status = AlertStatus.Firing,
            Name = name,
            Labels = labels,
            Annotations = new Dictionary<string, string>
            {
                ["summary"] = $"{name} on {labels.GetValueOrDefault("service") ?? labels.GetValueOrDefault("service_name")}",
                ["description"] = "p99 above 500 ms for 5 minutes",
                ["runbook_url"] = "https://wiki.example.com/runbooks/checkout",
                ["dashboard_url"] = "https://grafana.example.com/d/checkout",
            },
            StartsAt = StartsAt,
            GeneratorUrl = generatorUrl,
        };
        return new AlertNotification
        {
            Source = source,
            GroupKey = $"{{}}:{{alertname=\"{name}\"}}",
            Status = AlertStatus.Firing,
            Alerts = [alert],
            ReceivedAt = Now,
        };
    }

    /// <summary>One backend that found an exemplar, analysed; one that failed, as a template must also handle.</summary>
    public static IReadOnlyList<BackendSection> Backends()
    {
        var trace = SlowTrace();
        var root = trace.Spans[0];
        var link = new Uri($"http://127.0.0.1:16686/trace/{trace.TraceId}");
        var exemplar = new TraceSummary(trace.TraceId, root.Service, root.Operation, root.Start, root.Duration, true, link);
        var search = new BackendLink("Slow traces of checkout", new Uri("http://127.0.0.1:16686/search?service=checkout&minDuration=500ms"), "service=checkout minDuration=500ms");
        return
        [
            new BackendSection("Jaeger", "jaeger", [search], [exemplar], BackendOutcome.Found, null)
            {
                Analyses = [new AnalyzedTrace(exemplar, TraceAnalyzer.Analyze(trace))],
            },
            new BackendSection("Tempo", "tempo", [], [], BackendOutcome.Failed, "connection refused"),
        ];
    }

    /// <summary>GET /checkout: 30 × the same SELECT (most of the time), a fast call to payments that fails.</summary>
    private static Trace SlowTrace()
    {
        const string id = "4bf92f3577b34da6a3ce929d0e0e4736";
        var spans = new List<Span>
        {
            Span(id, 1, null, "checkout", "GET /checkout", 0, 812, SpanStatus.Error, "SPAN_KIND_SERVER", ("http.route", "/checkout"), ("http.response.status_code", "500")),
        };
        for (var i = 0; i < 30; i++)
            spans.Add(Span(id, 10 + i, 1, "checkout", "SELECT", 20 + (i * 25), 25, SpanStatus.Unset, "SPAN_KIND_CLIENT",
                ("db.system", "postgresql"), ("db.statement", $"SELECT price FROM items WHERE id = {i}")));
        spans.Add(Span(id, 2, 1, "checkout", "POST /v1/charge", 780, 30, SpanStatus.Error, "SPAN_KIND_CLIENT",
            ("peer.service", "payments-api"), ("http.response.status_code", "503")));
        return new Trace(id, spans);
    }

    private static Span Span(string traceId, int id, int? parent, string service, string operation, double startMs, double durationMs,
        SpanStatus status, string kind, params (string Key, string Value)[] attributes) =>
        new(traceId, id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            parent?.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), service, operation,
            StartsAt.AddMilliseconds(startMs), TimeSpan.FromMilliseconds(durationMs), status,
            attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal))
        {
            Kind = kind,
            StatusMessage = status == SpanStatus.Error ? "upstream failed" : null,
        };
}
