using AlertLinker.Resolution;

namespace AlertLinker.Backends.Honeycomb;

/// <summary>Query-template and trace links into the Honeycomb UI (times in unix seconds). Pure.</summary>
public static class HoneycombLinks
{
    /// <summary><c>{ui}/&lt;team&gt;/environments/&lt;env&gt;/datasets/&lt;dataset&gt;?query=&lt;spec JSON&gt;</c> (Classic: no environments part).</summary>
    public static Uri Query(Uri ui, string team, string? environment, string dataset, HoneycombQuerySpec spec) =>
        BackendHttp.Join(ui, DatasetPath(team, environment, dataset), [new("query", spec.ToJson())]);

    /// <summary>
    /// <c>{ui}/&lt;team&gt;/environments/&lt;env&gt;/trace?trace_id=&lt;id&gt;&amp;trace_start_ts=&lt;s&gt;&amp;trace_end_ts=&lt;s&gt;</c>:
    /// environment-wide, no dataset part. Classic teams: <c>{ui}/&lt;team&gt;/datasets/&lt;dataset&gt;/trace?…</c>.
    /// </summary>
    public static Uri Trace(Uri ui, string team, string? environment, string dataset, string traceId, AlertWindow window) =>
        BackendHttp.Join(ui, TracePath(team, environment, dataset),
        [
            new("trace_id", traceId),
            new("trace_start_ts", BackendHttp.Invariant(BackendTime.ToUnixSecondsFloor(window.Start))),
            new("trace_end_ts", BackendHttp.Invariant(BackendTime.ToUnixSecondsCeiling(window.End))),
        ]);

    private static string TracePath(string team, string? environment, string dataset) =>
        string.IsNullOrEmpty(environment)
            ? $"{Uri.EscapeDataString(team)}/datasets/{Uri.EscapeDataString(dataset)}/trace"
            : $"{Uri.EscapeDataString(team)}/environments/{Uri.EscapeDataString(environment)}/trace";

    private static string DatasetPath(string team, string? environment, string dataset) =>
        string.IsNullOrEmpty(environment)
            ? $"{Uri.EscapeDataString(team)}/datasets/{Uri.EscapeDataString(dataset)}"
            : $"{Uri.EscapeDataString(team)}/environments/{Uri.EscapeDataString(environment)}/datasets/{Uri.EscapeDataString(dataset)}";
}
