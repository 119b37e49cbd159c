using System.Text.RegularExpressions;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Datadog;

/// <summary>
/// Datadog span queries (<c>service:checkout env:prod status:error</c>) and Trace Explorer deep links. Pure.
/// Every value is quoted unless it is a plain word, so an alert label can never change the query's meaning.
/// </summary>
public static partial class DatadogLinks
{
    /// <summary>A query value: bare when it is a plain word, else double-quoted with backslash and quote escaped.</summary>
    public static string Value(string value) => PlainWord().IsMatch(value) ? value : QueryText.BackslashQuoted(value);

    /// <summary>
    /// <c>service:S env:E resource_name:"op" @key:value @duration:&gt;500000000 status:error</c> (durations in ns). Reserved attributes
    /// (service, env, resource_name, status, host) stay bare, span attributes get Datadog's <c>@</c>.
    /// </summary>
    public static string Query(
        string? service,
        string? env,
        string? operation = null,
        IReadOnlyDictionary<string, string>? attributes = null,
        TimeSpan? minDuration = null,
        bool errorsOnly = false)
    {
        var terms = new List<string>();
        if (!string.IsNullOrEmpty(service))
            terms.Add("service:" + Value(service));
        if (!string.IsNullOrEmpty(env))
            terms.Add("env:" + Value(env));
        if (!string.IsNullOrEmpty(operation))
            terms.Add("resource_name:" + Value(operation));
        foreach (var (key, value) in (attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
            terms.Add($"{Attribute(key)}:{Value(value)}");
        // Span durations are stored in nanoseconds; a bare number needs no unit shorthand to be understood.
        if (minDuration is { } min)
            terms.Add("@duration:>" + BackendHttp.Invariant(min.Ticks * 100));
        if (errorsOnly)
            terms.Add("status:error");
        return terms.Count == 0 ? "*" : string.Join(' ', terms);
    }

    /// <summary>Trace Explorer: <c>/apm/traces?query=…&amp;start=&lt;ms&gt;&amp;end=&lt;ms&gt;&amp;paused=true</c>.</summary>
    public static Uri Explorer(Uri ui, string query, AlertWindow window) =>
        BackendHttp.Join(ui, "apm/traces",
        [
            new("query", query),
            new("start", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.Start))),
            new("end", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(window.End))),
            new("paused", "true"),
        ]);

    /// <summary>One trace: <c>/apm/trace/&lt;id&gt;?spanID=&lt;id&gt;&amp;timeHint=&lt;ms&gt;</c> (the hint lets the UI find older traces).</summary>
    public static Uri Trace(Uri ui, string traceId, string? spanId, DateTimeOffset timeHint) =>
        BackendHttp.Join(ui, "apm/trace/" + Uri.EscapeDataString(traceId),
        [
            new("spanID", spanId),
            new("timeHint", BackendHttp.Invariant(BackendTime.ToUnixMilliseconds(timeHint))),
        ]);

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "service", "env", "resource_name", "operation_name", "status", "host", "trace_id", "span_id", "version",
    };

    private static string Attribute(string key) =>
        key.StartsWith('@') || Reserved.Contains(key) ? key : "@" + key;

    [GeneratedRegex("^[A-Za-z0-9_.\\-]+$")]
    private static partial Regex PlainWord();
}
