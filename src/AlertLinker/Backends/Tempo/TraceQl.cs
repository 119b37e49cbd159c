using System.Text.RegularExpressions;

namespace AlertLinker.Backends.Tempo;

/// <summary>
/// Builds TraceQL (Grafana Tempo's query language) from parts, quoting every value so that an alert label
/// can never change the query's meaning. Public and pure: runbook templates reuse it.
/// </summary>
public static partial class TraceQl
{
    /// <summary>Where an unscoped attribute key is looked up: any scope, TraceQL's leading dot.</summary>
    private const string AnyScope = ".";

    private static readonly string[] Scopes = ["resource.", "span.", "event.", "link.", "instrumentation."];

    /// <summary>Intrinsics that name themselves without a dot.</summary>
    private static readonly HashSet<string> Intrinsics = new(StringComparer.Ordinal)
    {
        "name", "status", "statusMessage", "kind", "duration", "rootName", "rootServiceName", "traceDuration",
        "trace:id", "trace:duration", "trace:rootName", "trace:rootService", "span:id", "span:name", "span:status",
        "span:kind", "span:duration", "span:statusMessage",
    };

    /// <summary>A TraceQL string literal: double quotes, with backslash, quote and control characters escaped.</summary>
    public static string Quote(string value) => QuotedLiteral.Quote(value, ControlCharacters.Escape);

    /// <summary>A duration literal (<c>500ms</c>, <c>2s</c>).</summary>
    public static string Duration(TimeSpan duration) => BackendTime.ToGoDuration(duration);

    /// <summary>
    /// An attribute reference: scoped keys (<c>resource.service.name</c>, <c>span.http.route</c>) and intrinsics
    /// (<c>name</c>, <c>status</c>) stay as they are, other keys get TraceQL's any-scope dot (<c>.db.system</c>).
    /// Names with characters TraceQL does not allow bare are quoted (<c>span."my attr"</c>).
    /// </summary>
    public static string Attribute(string key)
    {
        if (Intrinsics.Contains(key))
            return key;
        var (scope, name) = SplitScope(key);
        return (scope ?? AnyScope) + (BareName().IsMatch(name) ? name : Quote(name));
    }

    /// <summary>The key's scope prefix (<c>span.</c>, <c>resource.</c>, a leading dot…) or null, and the name after it.</summary>
    private static (string? Scope, string Name) SplitScope(string key)
    {
        var scope = Scopes.FirstOrDefault(s => key.StartsWith(s, StringComparison.Ordinal))
            ?? (key.StartsWith('.') ? AnyScope : null);
        return (scope, scope is null ? key : key[scope.Length..]);
    }

    /// <summary>
    /// A value literal: <c>true</c>/<c>false</c> and integers bare (TraceQL compares types, and
    /// <c>.http.status_code = "500"</c> would never match an int attribute), everything else quoted.
    /// </summary>
    public static string Value(string value) =>
        value is "true" or "false" || IntegerLiteral().IsMatch(value) ? value : Quote(value);

    /// <summary>
    /// A span set: <c>{ resource.service.name = "S" &amp;&amp; name = "op" &amp;&amp; … }</c>; <c>{ }</c> with no condition.
    /// </summary>
    /// <param name="minDuration">Adds <c>duration &gt; X</c> (spans longer than the threshold).</param>
    public static string SpanSet(
        string? service,
        string? operation = null,
        IReadOnlyDictionary<string, string>? attributes = null,
        TimeSpan? minDuration = null,
        bool errorsOnly = false)
    {
        var conditions = new List<string>();
        if (!string.IsNullOrEmpty(service))
            conditions.Add("resource.service.name = " + Quote(service));
        if (!string.IsNullOrEmpty(operation))
            conditions.Add("name = " + Quote(operation));
        foreach (var (key, value) in (attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
            conditions.Add($"{Attribute(key)} = {Value(value)}");
        if (minDuration is { } min)
            conditions.Add("duration > " + Duration(min));
        if (errorsOnly)
            conditions.Add("status = error");
        return conditions.Count == 0 ? "{ }" : "{ " + string.Join(" && ", conditions) + " }";
    }

    /// <summary>
    /// <c>select(.tenant.id, resource.service.version, …)</c>: Tempo adds the selected attributes to the spans of each
    /// span set it returns. Keys without a scope stay unscoped (<c>.tenant.id</c>), which Tempo looks up on the span
    /// and on its resource, as the profiles of the other backends do (span attribute, else process/resource); a
    /// scoped key (<c>span.tenant.id</c>) keeps its scope.
    /// </summary>
    public static string Select(IEnumerable<string> keys) => "select(" + string.Join(", ", keys.Select(Attribute)) + ")";

    /// <summary><paramref name="spanSet"/> piped into <see cref="Select"/> of <paramref name="keys"/>; unchanged without keys.</summary>
    public static string WithSelect(string spanSet, IReadOnlyList<string> keys) =>
        keys.Count == 0 ? spanSet : spanSet + " | " + Select(keys);

    /// <summary>
    /// The key Tempo answers a selected attribute under in <c>spanSets[].spans[].attributes</c>: its name without the
    /// scope (Tempo's search response writes <c>attribute.Name</c>: <c>resource.service.name</c> comes back as
    /// <c>service.name</c>), so <c>span.tenant.id</c>, <c>.tenant.id</c> and <c>tenant.id</c> all answer as <c>tenant.id</c>.
    /// </summary>
    public static string ResultName(string key) =>
        Intrinsics.Contains(key) ? key : SplitScope(key).Name;

    /// <summary>The TraceQL for a backend-neutral search.</summary>
    public static string ForSearch(TraceSearch search) =>
        SpanSet(search.Service, search.Operation, search.Attributes, search.MinDuration, search.ErrorsOnly);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex BareName();

    [GeneratedRegex("^-?[0-9]{1,18}$")]
    private static partial Regex IntegerLiteral();
}
