using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlertLinker.Resolution;

namespace AlertLinker.Backends;

/// <summary>
/// Grafana Explore deep links (<c>{grafana}/explore?schemaVersion=1&amp;orgId=N&amp;panes=&lt;JSON&gt;</c>): one pane, one
/// query on one data source, over the alert's window. Shared by the Tempo backend and the Loki log links. Pure.
/// </summary>
internal static class GrafanaExplore
{
    /// <summary>Explore's pane id: any 3 characters of [0-9a-z] with a letter; fixed so links are stable.</summary>
    public const string PaneKey = "alk";

    public static Uri Link(Uri grafana, int orgId, string panesJson) =>
        BackendHttp.Join(grafana, "explore",
        [
            new("schemaVersion", "1"),
            new("orgId", BackendHttp.Invariant(orgId)),
            new("panes", panesJson),
        ]);

    /// <summary>The <c>panes</c> JSON; <paramref name="writeQuery"/> writes the data source's own query fields.</summary>
    public static string PanesJson(string datasourceType, string datasourceUid, AlertWindow window, Action<Utf8JsonWriter> writeQuery)
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
            writer.WriteString("type", datasourceType);
            writer.WriteString("uid", datasourceUid);
            writer.WriteEndObject();
            writeQuery(writer);
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
