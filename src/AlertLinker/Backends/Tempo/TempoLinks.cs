using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Tempo;

/// <summary>Grafana Explore deep links into a Tempo data source (the <c>panes=</c> URL format). Pure.</summary>
internal static class TempoLinks
{
    /// <summary>Explore's pane id: any 3 characters of [0-9a-z] with a letter; fixed so links are stable.</summary>
    public const string PaneKey = "alk";

    public const int DefaultLimit = 20;

    /// <summary>Explore running <paramref name="query"/> (TraceQL, or a bare trace id) over the window.</summary>
    public static Uri Explore(Uri grafana, int orgId, string datasourceUid, string query, AlertWindow window, int limit = DefaultLimit) =>
        BackendHttp.Join(grafana, "explore",
        [
            new("schemaVersion", "1"),
            new("orgId", BackendHttp.Invariant(orgId)),
            new("panes", PanesJson(datasourceUid, query, window, limit)),
        ]);

    public static string PanesJson(string datasourceUid, string query, AlertWindow window, int limit)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(PaneKey);
            writer.WriteString("datasource", datasourceUid);
            writer.WriteStartArray("queries");
            writer.WriteStartObject();
            writer.WriteString("refId", "A");
            writer.WriteStartObject("datasource");
            writer.WriteString("type", "tempo");
            writer.WriteString("uid", datasourceUid);
            writer.WriteEndObject();
            writer.WriteString("queryType", "traceql");
            writer.WriteString("query", query);
            writer.WriteNumber("limit", limit);
            writer.WriteString("tableType", "traces");
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
