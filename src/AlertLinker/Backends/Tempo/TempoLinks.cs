using AlertLinker.Resolution;

namespace AlertLinker.Backends.Tempo;

/// <summary>Grafana Explore deep links into a Tempo data source (the <c>panes=</c> URL format). Pure.</summary>
internal static class TempoLinks
{
    public const int DefaultLimit = 20;

    /// <summary>Explore running <paramref name="query"/> (TraceQL, or a bare trace id) over the window.</summary>
    public static Uri Explore(Uri grafana, int orgId, string datasourceUid, string query, AlertWindow window, int limit = DefaultLimit) =>
        GrafanaExplore.Link(grafana, orgId, PanesJson(datasourceUid, query, window, limit));

    public static string PanesJson(string datasourceUid, string query, AlertWindow window, int limit) =>
        GrafanaExplore.PanesJson("tempo", datasourceUid, window, writer =>
        {
            writer.WriteString("queryType", "traceql");
            writer.WriteString("query", query);
            writer.WriteNumber("limit", limit);
            writer.WriteString("tableType", "traces");
        });
}
