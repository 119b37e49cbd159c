using System.Text.RegularExpressions;

namespace AlertLinker.LogLinks;

public enum LogLinkType
{
    /// <summary>Grafana Explore on a Loki data source, LogQL filtering by the trace id.</summary>
    Loki,

    /// <summary>Any log UI with a URL template (Kibana, Elasticsearch, OpenSearch, Splunk…).</summary>
    UrlTemplate,
}

/// <summary><c>AlertLinker:LogLinks:&lt;name&gt;</c>: one link per exemplar trace into a log UI, by trace id.</summary>
public sealed partial class LogLinkOptions
{
    public const string SectionName = "AlertLinker:LogLinks";

    /// <summary>The placeholders a <see cref="Template"/> may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["trace_id", "service", "start", "end", "start_ms", "end_ms"];

    public LogLinkType? Type { get; set; }

    /// <summary>The link's label in Slack; defaults to the entry's name.</summary>
    public string? Title { get; set; }

    /// <summary>Loki: the Grafana base URL where Explore opens.</summary>
    public Uri? GrafanaUrl { get; set; }

    /// <summary>Loki: uid of the Loki data source in Grafana.</summary>
    public string? DatasourceUid { get; set; }

    /// <summary>Loki: Grafana organization of the data source.</summary>
    public int OrgId { get; set; } = 1;

    /// <summary>Loki: the stream label holding the service (service_name for OpenTelemetry logs, often app or job).</summary>
    public string ServiceLabel { get; set; } = "service_name";

    /// <summary>
    /// Loki: the label or structured-metadata field holding the trace id (e.g. trace_id) for an exact match
    /// (<c>| trace_id="…"</c>); empty for a line filter (<c>|= "…"</c>) that finds the id anywhere in the line.
    /// </summary>
    public string? TraceIdField { get; set; }

    /// <summary>UrlTemplate: the URL with {trace_id}, {service}, {start}, {end} (ISO 8601), {start_ms}, {end_ms}; values are URL-escaped.</summary>
    public string? Template { get; set; }

    /// <summary>One actionable message per problem; <paramref name="path"/> is the entry's configuration path.</summary>
    public IEnumerable<string> Validate(string path)
    {
        switch (Type)
        {
            case null:
                yield return $"{path}:Type is required: Loki or UrlTemplate";
                break;
            case LogLinkType.Loki:
                if (GrafanaUrl is null || !GrafanaUrl.IsAbsoluteUri || GrafanaUrl.Scheme is not ("http" or "https"))
                    yield return $"{path}:GrafanaUrl is required for Type Loki: the absolute http(s) Grafana base URL (e.g. https://grafana.example.com/)";
                if (string.IsNullOrWhiteSpace(DatasourceUid))
                    yield return $"{path}:DatasourceUid is required for Type Loki: the uid of the Loki data source (Connections → Data sources → Loki; the end of its settings URL)";
                if (OrgId < 1)
                    yield return $"{path}:OrgId must be 1 or more, got {OrgId}";
                if (!LabelName().IsMatch(ServiceLabel))
                    yield return $"{path}:ServiceLabel must be a Loki label name ([a-zA-Z_][a-zA-Z0-9_]*), got '{ServiceLabel}'";
                if (!string.IsNullOrEmpty(TraceIdField) && !LabelName().IsMatch(TraceIdField))
                    yield return $"{path}:TraceIdField must be a Loki label or field name ([a-zA-Z_][a-zA-Z0-9_]*), got '{TraceIdField}'";
                break;
            case LogLinkType.UrlTemplate:
                foreach (var message in ValidateTemplate(path))
                    yield return message;
                break;
        }
    }

    private IEnumerable<string> ValidateTemplate(string path)
    {
        if (string.IsNullOrWhiteSpace(Template))
        {
            yield return $"{path}:Template is required for Type UrlTemplate, e.g. https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:'trace.id:\"{{trace_id}}\"'))";
            yield break;
        }
        var unknown = PlaceholderPattern().Matches(Template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p)).Distinct().ToList();
        if (unknown.Count > 0)
            yield return $"{path}:Template uses unknown placeholders {string.Join(", ", unknown.Select(p => "{" + p + "}"))}; known: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}";
        if (!Template.Contains("{trace_id}", StringComparison.Ordinal))
            yield return $"{path}:Template must contain {{trace_id}}: the links are per trace";
        var sample = PlaceholderPattern().Replace(Template, "x");
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return $"{path}:Template must be an absolute http(s) URL, got '{Template}'";
    }

    [GeneratedRegex("\\{([a-z_]+)\\}")]
    internal static partial Regex PlaceholderPattern();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
