using System.Globalization;
using System.Text.Json;
using AlertLinker.Tests.EndToEnd.Harness;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// Real Prometheus (exemplar storage on, 1 s scrape and rule evaluation) scraping an <see cref="OpenMetricsTarget"/>,
/// with a <c>for: 0s</c> latency rule on the exemplar-carrying histogram, notifying a real Alertmanager
/// (clustering off, 1 s group_wait) whose webhook receiver is the service, with a bearer token. All on 127.0.0.1.
/// </summary>
internal sealed class PrometheusStack : IAsyncDisposable
{
    public const string AlertName = "CheckoutLatencyHigh";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory directory;
    private readonly List<ManagedProcess> processes = [];

    private readonly OpenMetricsTarget target;

    private PrometheusStack(TempDirectory directory, OpenMetricsTarget target, int prometheusPort, int alertmanagerPort, string ruleExpression)
    {
        this.directory = directory;
        this.target = target;
        PrometheusUrl = new Uri($"http://127.0.0.1:{prometheusPort}/");
        AlertmanagerUrl = new Uri($"http://127.0.0.1:{alertmanagerPort}/");
        RuleExpression = ruleExpression;
    }

    public Uri PrometheusUrl { get; }

    public Uri AlertmanagerUrl { get; }

    /// <summary>The alert rule's PromQL; it selects the exemplar-carrying bucket series, so query_exemplars on it returns them.</summary>
    public string RuleExpression { get; }

    /// <summary>Picks the ports and writes nothing yet, so the service can be configured (and started) first.</summary>
    public static PrometheusStack Create(OpenMetricsTarget target)
    {
        var expression = $"histogram_quantile(0.99, sum by (le, service) (rate({target.BucketSelector}[15s]))) > 0.5";
        return new PrometheusStack(new TempDirectory("prometheus-stack"), target, FreePort.Next(), FreePort.Next(), expression);
    }

    /// <summary>Writes the configs, starts Alertmanager and Prometheus, and waits until both report ready.</summary>
    public Task StartAsync(Uri webhookUrl, string bearerToken, CancellationToken cancellationToken) =>
        StartProcessesAsync(target, webhookUrl, bearerToken, cancellationToken);

    private async Task StartProcessesAsync(OpenMetricsTarget target, Uri webhookUrl, string bearerToken, CancellationToken cancellationToken)
    {
        var alertmanagerConfig = directory.File("alertmanager.yml");
        await File.WriteAllTextAsync(alertmanagerConfig, $"""
            route:
              receiver: alertlinker
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 5s
              repeat_interval: 1h
            receivers:
              - name: alertlinker
                webhook_configs:
                  - url: {Yaml(webhookUrl.AbsoluteUri)}
                    send_resolved: true
                    max_alerts: 20
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {Yaml(bearerToken)}
            """, cancellationToken);

        var rules = directory.File("rules.yml");
        await File.WriteAllTextAsync(rules, $"""
            groups:
              - name: e2e
                interval: 1s
                rules:
                  - alert: {AlertName}
                    expr: {Yaml(RuleExpression)}
                    for: 0s
                    labels:
                      severity: critical
                    annotations:
                      summary: "p99 latency of {"{{"} $labels.service {"}}"} is above 500ms"
            """, cancellationToken);

        var prometheusConfig = directory.File("prometheus.yml");
        await File.WriteAllTextAsync(prometheusConfig, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            rule_files:
              - {Yaml(rules)}
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['{AlertmanagerUrl.Authority}']
            scrape_configs:
              - job_name: checkout-app
                static_configs:
                  - targets: ['{target.Target}']
            """, cancellationToken);

        var alertmanager = ManagedProcess.Start("alertmanager", EndToEndBinaries.Alertmanager,
        [
            "--config.file=" + alertmanagerConfig,
            "--storage.path=" + directory.Subdirectory("alertmanager-data"),
            "--web.listen-address=" + AlertmanagerUrl.Authority,
            "--web.external-url=" + AlertmanagerUrl.AbsoluteUri.TrimEnd('/'),
            "--cluster.listen-address=",
        ]);
        processes.Add(alertmanager);

        var prometheus = ManagedProcess.Start("prometheus", EndToEndBinaries.Prometheus,
        [
            "--enable-feature=exemplar-storage",
            "--config.file=" + prometheusConfig,
            "--storage.tsdb.path=" + directory.Subdirectory("prometheus-data"),
            "--web.listen-address=" + PrometheusUrl.Authority,
            "--web.external-url=" + PrometheusUrl.AbsoluteUri.TrimEnd('/'),
        ]);
        processes.Add(prometheus);

        await alertmanager.WaitUntilReadyAsync(new Uri(AlertmanagerUrl, "-/ready"), StartTimeout, cancellationToken);
        await prometheus.WaitUntilReadyAsync(new Uri(PrometheusUrl, "-/ready"), StartTimeout, cancellationToken);
    }

    /// <summary>The alert as Alertmanager holds it (its startsAt is what the webhook carried), once it is there.</summary>
    public async Task<DateTimeOffset?> FindAlertStartAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"alertname=\"{AlertName}\"");
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(AlertmanagerUrl, "api/v2/alerts?filter=" + filter), cancellationToken));
        foreach (var alert in document.RootElement.EnumerateArray())
            return DateTimeOffset.Parse(alert.GetProperty("startsAt").GetString()!, CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>Asks Prometheus itself which exemplar trace ids it has for the rule's expression.</summary>
    public async Task<IReadOnlySet<string>> QueryExemplarTraceIdsAsync(HttpClient http, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var url = new Uri(PrometheusUrl, "api/v1/query_exemplars"
            + "?query=" + Uri.EscapeDataString(RuleExpression)
            + "&start=" + start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
            + "&end=" + end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        using var document = JsonDocument.Parse(await http.GetStringAsync(url, cancellationToken));
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var series in document.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var exemplar in series.GetProperty("exemplars").EnumerateArray())
            {
                if (exemplar.GetProperty("labels").TryGetProperty("trace_id", out var id))
                    ids.Add(id.GetString()!);
            }
        }
        return ids;
    }

    public string Describe() => string.Join('\n', processes.Select(p => p.Describe()));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
            await process.DisposeAsync();
        directory.Dispose();
    }

    // YAML double-quoted scalar; JSON string escaping is a subset of it.
    private static string Yaml(string value) => JsonSerializer.Serialize(value);
}
