using AlertLinker.Resolution;

namespace AlertLinker.Backends.Lightstep;

/// <summary>Notebook links with a UQL spans query, and the trace view of a span. Times in µs. Pure.</summary>
public static class LightstepLinks
{
    /// <summary>A UQL string literal: double quotes with backslash and quote escaped.</summary>
    public static string Quote(string value) => QueryText.BackslashQuoted(value);

    /// <summary><c>service == "S" &amp;&amp; operation == "O" &amp;&amp; key == "v"</c>.</summary>
    public static string Filter(string service, string? operation, IReadOnlyDictionary<string, string>? attributes = null, bool errorsOnly = false)
    {
        var terms = new List<string> { "service == " + Quote(service) };
        if (!string.IsNullOrEmpty(operation))
            terms.Add("operation == " + Quote(operation));
        foreach (var (key, value) in (attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
            terms.Add($"{Quote(key)} == {Quote(value)}");
        if (errorsOnly)
            terms.Add("error == true");
        return string.Join(" && ", terms);
    }

    /// <summary>p99 latency of the service's spans.</summary>
    public static string LatencyQuery(string filter) =>
        $"spans latency | delta | filter {filter} | group_by [], sum | point percentile(value, 99.0)";

    /// <summary>Count of the matching (errored) spans.</summary>
    public static string CountQuery(string filter) => $"spans count | delta | filter {filter} | group_by [], sum";

    /// <summary><c>{ui}/{project}/notebooks?version=2&amp;start_micros=&amp;end_micros=&amp;query=&lt;UQL&gt;</c>.</summary>
    public static Uri Notebook(Uri ui, string project, string uql, AlertWindow window) =>
        BackendHttp.Join(ui, Uri.EscapeDataString(project) + "/notebooks",
        [
            new("version", "2"),
            new("start_micros", BackendHttp.Invariant(BackendTime.ToUnixMicroseconds(window.Start))),
            new("end_micros", BackendHttp.Invariant(BackendTime.ToUnixMicroseconds(window.End))),
            new("query", uql),
        ]);

    /// <summary>The trace view opens on a span: <c>{ui}/{project}/trace?span_guid=&lt;hex&gt;&amp;at_micros=&lt;µs&gt;</c>.</summary>
    public static Uri Trace(Uri ui, string project, string spanId, DateTimeOffset at) =>
        BackendHttp.Join(ui, Uri.EscapeDataString(project) + "/trace",
        [
            new("span_guid", spanId),
            new("at_micros", BackendHttp.Invariant(BackendTime.ToUnixMicroseconds(at))),
        ]);
}
