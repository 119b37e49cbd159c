using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlertLinker.Backends.Tempo;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Logs;

/// <summary>LogQL by trace id and Grafana Explore links on a Loki data source (the same <c>panes=</c> format as Tempo's). Pure.</summary>
public static class LokiLinks
{
    /// <summary>A LogQL string literal: double quotes, backslash and quote escaped.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ when char.IsControl(c) => builder.Append(' '),
                _ => builder.Append(c),
            };
        }
        return builder.Append('"').ToString();
    }

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
        BackendHttp.Join(grafana, "explore",
        [
            new("schemaVersion", "1"),
            new("orgId", BackendHttp.Invariant(orgId)),
            new("panes", PanesJson(datasourceUid, logQl, window)),
        ]);

    public static string PanesJson(string datasourceUid, string logQl, AlertWindow window)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(TempoLinks.PaneKey);
            writer.WriteString("datasource", datasourceUid);
            writer.WriteStartArray("queries");
            writer.WriteStartObject();
            writer.WriteString("refId", "A");
            writer.WriteStartObject("datasource");
            writer.WriteString("type", "loki");
            writer.WriteString("uid", datasourceUid);
            writer.WriteEndObject();
            writer.WriteString("expr", logQl);
            writer.WriteString("queryType", "range");
            writer.WriteEndObject();
            writer.WriteEndArray();
            // Grafana reads range values as strings of epoch milliseconds.
            writer.WriteStartObject("range");
            writer.WriteString("from", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.Start)));
            writer.WriteString("to", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.End)));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
