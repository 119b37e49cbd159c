using AlertLinker.Backends;
using System.Globalization;
using AlertLinker.Resolution;

namespace AlertLinker.LogLinks;

/// <summary>One configured log link (<c>AlertLinker:LogLinks:&lt;name&gt;</c>), validated.</summary>
public sealed record LogLinkDefinition(string Name, LogLinkOptions Options);

/// <summary>The log links of one trace: where its logs are, per configured log UI. Pure: no I/O.</summary>
public sealed class LogLinkBuilder(IReadOnlyList<LogLinkDefinition> definitions)
{
    public bool Any => definitions.Count > 0;

    /// <summary>Links to the logs of <paramref name="traceId"/>, scoped to the service and window where the UI allows.</summary>
    public IReadOnlyList<BackendLink> Build(string traceId, string? service, AlertWindow window) =>
        definitions.Select(d => Build(d, traceId, service, window)).ToList();

    /// <summary>The log links of every exemplar trace of an alert, trace by trace (the enrichment stage's part).</summary>
    public IReadOnlyList<LogLink> ForTraces(ResolvedAlert alert, IReadOnlyList<FoundTrace> traces) =>
        definitions.Count == 0
            ? []
            : traces.SelectMany(t => Build(t.Exemplar.TraceId, alert.Service, alert.Window)
                    .Select(l => new LogLink(t.Exemplar.TraceId, l.Title, l.Url, l.Query)))
                .ToList();

    private static BackendLink Build(LogLinkDefinition definition, string traceId, string? service, AlertWindow window)
    {
        var options = definition.Options;
        var title = string.IsNullOrWhiteSpace(options.Title) ? definition.Name : options.Title;
        if (options.Type == LogLinkType.Loki)
        {
            var logQl = LokiLinks.LogQl(traceId, service, options.ServiceLabel, options.TraceIdField);
            return new BackendLink(title, LokiLinks.Explore(options.GrafanaUrl!, options.OrgId, options.DatasourceUid!, logQl, window), logQl);
        }
        return new BackendLink(title, Expand(options.Template!, traceId, service, window));
    }

    /// <summary>The template with every placeholder replaced by its URL-escaped value.</summary>
    public static Uri Expand(string template, string traceId, string? service, AlertWindow window)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trace_id"] = traceId,
            ["service"] = service ?? "",
            ["start"] = Iso(window.Start),
            ["end"] = Iso(window.End),
            ["start_ms"] = BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.Start)),
            ["end_ms"] = BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.End)),
        };
        var expanded = LogLinkOptions.PlaceholderPattern().Replace(template,
            m => values.TryGetValue(m.Groups[1].Value, out var value) ? Uri.EscapeDataString(value) : m.Value);
        return new Uri(expanded);
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
