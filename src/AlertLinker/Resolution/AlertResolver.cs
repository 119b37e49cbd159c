using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AlertLinker.Resolution;

/// <summary>Works out service, operation, window and PromQL of an alert. Pure.</summary>
public sealed class AlertResolver(IOptions<ServiceOptions> services, IOptions<WindowOptions> window)
{
    /// <param name="now">The instant "now" for every alert of one notification, so that they share one window.</param>
    public ResolvedAlert Resolve(Alert alert, DateTimeOffset now)
    {
        var options = services.Value;
        var spanMetric = SpanMetricOf(alert);
        // Span metrics name the span's service and the span itself; the scrape's own `service` or `job` label there
        // is the collector's. A configured precedence still wins: the operator knows their labels.
        var service = (spanMetric is not null && options.LabelPrecedence.Count == 0 ? FirstLabel(alert, SpanMetricServiceLabels) : null)
            ?? FirstLabel(alert, options.EffectiveLabelPrecedence);
        var serviceLabel = service;
        if (service is not null && options.Aliases.TryGetValue(service, out var alias))
            service = alias;
        var operation = (spanMetric is not null && options.OperationLabels.Count == 0 ? FirstLabel(alert, [SpanNameLabel]) : null)
            ?? FirstLabel(alert, options.EffectiveOperationLabels);
        return new ResolvedAlert(
            alert,
            service,
            operation,
            WindowOf(alert, now),
            ExpressionOf(alert.GeneratorUrl))
        {
            SpanMetric = spanMetric,
            ServiceLabel = serviceLabel,
        };
    }

    private const string SpanNameLabel = "span_name";
    private const string SpanKindLabel = "span_kind";
    private const string StatusCodeLabel = "status_code";

    /// <summary>The connector's <c>service_name</c>, Tempo's <c>service</c>.</summary>
    private static readonly string[] SpanMetricServiceLabels = ["service_name", "service"];

    /// <summary>Span-metric labels that are span attributes (dimensions), with their OpenTelemetry names.</summary>
    private static readonly (string Label, string Attribute)[] AttributeLabels =
        [("db_system", "db.system"), ("db_name", "db.name"), ("messaging_system", "messaging.system"), ("rpc_system", "rpc.system")];

    /// <summary>
    /// Span metrics are told by <c>span_name</c> or <c>span_kind</c>: both label sets carry them. <c>span_kind</c> is
    /// <c>SPAN_KIND_SERVER</c> in both (older connectors wrote <c>SERVER</c>); <c>status_code</c> is
    /// <c>STATUS_CODE_ERROR</c> (or <c>Error</c>). Null for any other alert.
    /// </summary>
    public static SpanMetricScope? SpanMetricOf(Alert alert)
    {
        var labels = alert.Labels;
        if (!HasValue(labels, SpanNameLabel) && !HasValue(labels, SpanKindLabel))
            return null;
        var kind = labels.TryGetValue(SpanKindLabel, out var rawKind) && !string.IsNullOrWhiteSpace(rawKind)
            ? TrimPrefix(rawKind.Trim(), "SPAN_KIND_").ToLowerInvariant()
            : null;
        if (kind is "unspecified" or "")
            kind = null;
        var errorsOnly = labels.TryGetValue(StatusCodeLabel, out var status)
            && string.Equals(TrimPrefix(status.Trim(), "STATUS_CODE_"), "ERROR", StringComparison.OrdinalIgnoreCase);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, attribute) in AttributeLabels)
        {
            if (labels.TryGetValue(label, out var value) && !string.IsNullOrWhiteSpace(value))
                attributes[attribute] = value.Trim();
        }
        return new SpanMetricScope(kind, errorsOnly, attributes);
    }

    private static bool HasValue(IReadOnlyDictionary<string, string> labels, string name) =>
        labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value);

    private static string TrimPrefix(string value, string prefix) =>
        value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? value[prefix.Length..] : value;

    /// <summary><c>startsAt − Lookback … (endsAt or now) + Pad</c>.</summary>
    public AlertWindow WindowOf(Alert alert, DateTimeOffset now)
    {
        var settings = window.Value;
        var end = alert.EndsAt ?? now;
        if (end < alert.StartsAt)
            end = alert.StartsAt;
        return new AlertWindow(alert.StartsAt - settings.Lookback, end + settings.Pad);
    }

    /// <summary>
    /// The PromQL in a Prometheus generatorURL (<c>/graph?g0.expr=…</c>, Prometheus 3: <c>/query?g0.expr=…</c>),
    /// form-decoded. Null when the URL carries none (Grafana-managed alerts, vmalert, empty URL).
    /// </summary>
    public static string? ExpressionOf(string? generatorUrl)
    {
        if (string.IsNullOrWhiteSpace(generatorUrl))
            return null;
        var query = generatorUrl.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
            return null;
        var fragment = generatorUrl.IndexOf('#', query);
        var queryString = fragment < 0 ? generatorUrl[query..] : generatorUrl[query..fragment];
        var parameters = QueryHelpers.ParseQuery(queryString);
        return parameters.TryGetValue("g0.expr", out var expr) && !string.IsNullOrWhiteSpace(expr.ToString())
            ? expr.ToString()
            : null;
    }

    private static string? FirstLabel(Alert alert, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (alert.Labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
                return value.Trim();
        }
        return null;
    }
}
