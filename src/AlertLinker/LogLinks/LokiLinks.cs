using AlertLinker.Backends;
using AlertLinker.Resolution;

namespace AlertLinker.LogLinks;

/// <summary>LogQL by trace id and Grafana Explore links on a Loki data source (the same <c>panes=</c> format as Tempo's). Pure.</summary>
public static class LokiLinks
{
    /// <summary>
    /// A LogQL string literal: double quotes, backslash, quote and newline escaped, any other control character a
    /// space (this LogQL is a link people read and edit in Explore, unlike Tempo's exact TraceQL).
    /// </summary>
    public static string Quote(string value) => QuotedLiteral.Quote(value, ControlCharacters.Space);

    /// <summary>
    /// <c>{service_name="svc"} |= "&lt;id&gt;"</c>, or with a field <c>{service_name="svc"} | trace_id="&lt;id&gt;"</c>.
    /// Without a service every stream of the data source is searched (<c>=~".+"</c>: LogQL needs one non-empty matcher).
    /// </summary>
    public static string LogQl(string traceId, string? service, string serviceLabel, string? traceIdField)
    {
        var selector = string.IsNullOrEmpty(service) ? $"{{{serviceLabel}=~\".+\"}}" : $"{{{serviceLabel}={Quote(service)}}}";
        return string.IsNullOrEmpty(traceIdField)
            ? $"{selector} |= {Quote(traceId)}"
            : $"{selector} | {traceIdField}={Quote(traceId)}";
    }

    /// <summary><c>{grafana}/explore?schemaVersion=1&amp;orgId=N&amp;panes=&lt;JSON&gt;</c> running <paramref name="logQl"/> over the window.</summary>
    public static Uri Explore(Uri grafana, int orgId, string datasourceUid, string logQl, AlertWindow window) =>
        GrafanaExplore.Link(grafana, orgId, PanesJson(datasourceUid, logQl, window));

    public static string PanesJson(string datasourceUid, string logQl, AlertWindow window) =>
        GrafanaExplore.PanesJson("loki", datasourceUid, window, writer =>
        {
            writer.WriteString("expr", logQl);
            writer.WriteString("queryType", "range");
        });
}
