using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AlertLinker.Backends;
using AlertLinker.Resolution;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace AlertLinker.Runbooks;

/// <summary>
/// The helper functions a runbook can call, bound to one alert. Parameter names are what templates use as named
/// arguments (<c>trace_search {"db.system": "postgresql"} min_duration: "100ms"</c>); they are documented in
/// templates/README.md.
/// </summary>
internal sealed partial class RunbookFunctions(
    ResolvedAlert alert,
    IReadOnlyList<ITraceBackend> backends,
    IReadOnlyDictionary<string, Template> partials,
    int includeLimit)
{
    private int includeDepth;

    public void ImportInto(ScriptObject globals)
    {
        globals.Import("trace_search", new Func<ScriptObject?, object?, bool, string?, int, string?, ScriptArray>(TraceSearch));
        globals.Import("traceql", new Func<ScriptObject?, object?, bool, string?, string?, string>(TraceQl));
        globals.Import("slack_link", new Func<object?, object?, SlackMarkup>(SlackLink));
        globals.Import("escape", new Func<object?, SlackMarkup>(Escape));
        globals.Import("duration", new Func<object?, string>(FormatDuration));
        globals.Import("include", new Func<TemplateContext, SourceSpan, string, SlackMarkup>(Include));
    }

    /// <summary>
    /// The same search in every configured backend: one entry per backend that can express it
    /// (<c>backend</c>, <c>type</c>, <c>title</c>, <c>url</c>, <c>query</c>, <c>link</c>). Empty when the alert has no service.
    /// </summary>
    public ScriptArray TraceSearch(
        ScriptObject? attributes = null,
        object? min_duration = null,
        bool errors_only = false,
        string? operation = null,
        int limit = 20,
        string? service = null)
    {
        var result = new ScriptArray();
        var searchService = service ?? alert.Service;
        if (string.IsNullOrEmpty(searchService))
            return result;
        var search = new TraceSearch(
            searchService,
            operation,
            alert.Window,
            Attributes(attributes),
            ParseDuration(min_duration),
            errors_only,
            Math.Clamp(limit, 1, 100));
        foreach (var backend in backends)
        {
            BackendLink? link;
            try
            {
                link = backend.BuildSearchLink(search);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Link building is pure and should not throw; one faulty backend must not cost the runbook.
                continue;
            }
            if (link is null)
                continue;
            var entry = RunbookModel.Link(link);
            entry["backend"] = backend.Name;
            entry["type"] = backend.Type;
            entry["link"] = new SlackMarkup(Mrkdwn.Link(link.Url.AbsoluteUri, $"{backend.Name}: {link.Title}"));
            result.Add(entry);
        }
        return result;
    }

    /// <summary>A TraceQL spanset filter for the alert's service (or <paramref name="service"/>), e.g.
    /// <c>{ resource.service.name = "checkout" &amp;&amp; .db.system = "postgresql" &amp;&amp; duration &gt; 100ms }</c>.</summary>
    public string TraceQl(
        ScriptObject? attributes = null,
        object? min_duration = null,
        bool errors_only = false,
        string? operation = null,
        string? service = null)
    {
        var conditions = new List<string>();
        var searchService = service ?? alert.Service;
        if (!string.IsNullOrEmpty(searchService))
            conditions.Add($"resource.service.name = {TraceQlString(searchService)}");
        if (!string.IsNullOrEmpty(operation))
            conditions.Add($"name = {TraceQlString(operation)}");
        if (attributes is not null)
        {
            foreach (var (key, value) in attributes)
                conditions.Add($"{TraceQlAttribute(key)} = {TraceQlValue(value)}");
        }
        if (ParseDuration(min_duration) is { } min)
            conditions.Add($"duration > {TraceQlDuration(min)}");
        if (errors_only)
            conditions.Add("status = error");
        return conditions.Count == 0 ? "{ }" : "{ " + string.Join(" && ", conditions) + " }";
    }

    /// <summary><c>&lt;url|label&gt;</c> for http(s) URLs; anything else comes out as the escaped label.</summary>
    public static SlackMarkup SlackLink(object? url, object? label = null)
    {
        var target = url?.ToString();
        return label switch
        {
            SlackMarkup markup when Mrkdwn.IsHttpUrl(target, out var uri) =>
                new SlackMarkup(Mrkdwn.LinkWithMarkup(uri, markup.Text)),
            SlackMarkup markup => markup,
            _ => new SlackMarkup(Mrkdwn.Link(target, label?.ToString() ?? target ?? "")),
        };
    }

    /// <summary>Escapes text for mrkdwn. Printed values are escaped anyway; this is for building text by hand.</summary>
    public static SlackMarkup Escape(object? text) =>
        text as SlackMarkup ?? new SlackMarkup(Mrkdwn.Escape(text?.ToString() ?? ""));

    /// <summary>A duration (milliseconds as a number, or "1.5s", "250ms", "2m") in the short form backends take.</summary>
    public static string FormatDuration(object? value) =>
        ParseDuration(value) is { } d ? TraceQlDuration(d) : "";

    /// <summary><c>include "_name"</c>: a partial (<c>_name.sbn</c>) from the runbook folder, parsed at start-up. Nothing else can be included.</summary>
    public SlackMarkup Include(TemplateContext context, SourceSpan span, string name)
    {
        var key = name.EndsWith(RunbookLoader.Extension, StringComparison.Ordinal) ? name[..^RunbookLoader.Extension.Length] : name;
        if (!partials.TryGetValue(key, out var partial))
            throw new ScriptRuntimeException(span, $"include: no partial '{name}' in the runbook folder (partials are _name.sbn files beside the runbooks)");
        if (includeDepth >= includeLimit)
            throw new ScriptRuntimeException(span, $"include: more than {includeLimit} nested includes");
        includeDepth++;
        context.PushOutput();
        try
        {
            // What the partial wrote went through the escaping writer already: it is mrkdwn, not text.
            return new SlackMarkup(partial.Render(context) ?? "");
        }
        finally
        {
            context.PopOutput();
            includeDepth--;
        }
    }

    private static Dictionary<string, string> Attributes(ScriptObject? attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is null)
            return result;
        foreach (var (key, value) in attributes)
            result[key] = value switch
            {
                null => "",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        return result;
    }

    private static readonly string[] TraceQlScopes = ["span.", "resource.", "event.", "link.", "instrumentation.", "."];
    private static readonly string[] TraceQlIntrinsics = ["name", "status", "kind", "duration", "statusMessage", "rootName", "rootServiceName", "traceDuration"];

    // Unscoped keys become ".key" (span or resource attribute); keys with characters TraceQL does not allow bare are quoted.
    private static string TraceQlAttribute(string key)
    {
        if (TraceQlIntrinsics.Contains(key, StringComparer.Ordinal))
            return key;
        var scoped = TraceQlScopes.Any(scope => key.StartsWith(scope, StringComparison.Ordinal)) ? key : "." + key;
        var dot = scoped.IndexOf('.', StringComparison.Ordinal);
        var name = scoped[(dot + 1)..];
        return BareAttribute().IsMatch(name) ? scoped : scoped[..(dot + 1)] + TraceQlString(name);
    }

    private static string TraceQlValue(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        int or long or double or float or decimal => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => TraceQlString(value?.ToString() ?? ""),
    };

    /// <summary>A TraceQL string literal: backslashes and quotes escaped, control characters spelled out.</summary>
    public static string TraceQlString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    private static string TraceQlDuration(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks % TimeSpan.TicksPerMinute == 0 && ticks >= TimeSpan.TicksPerMinute)
            return $"{ticks / TimeSpan.TicksPerMinute}m";
        if (ticks % TimeSpan.TicksPerSecond == 0 && ticks >= TimeSpan.TicksPerSecond)
            return $"{ticks / TimeSpan.TicksPerSecond}s";
        if (ticks % TimeSpan.TicksPerMillisecond == 0)
            return $"{ticks / TimeSpan.TicksPerMillisecond}ms";
        return $"{ticks / TimeSpan.TicksPerMicrosecond}us";
    }

    /// <summary>null for null or ""; a number means milliseconds; else Go-style "1m30s", "1.5s", "250ms", "100us".</summary>
    public static TimeSpan? ParseDuration(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case int or long or double or float or decimal:
                var ms = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return ms >= 0 ? TimeSpan.FromMilliseconds(ms) : throw new ArgumentException($"duration must not be negative, got {ms}");
        }
        var text = value.ToString()!.Trim();
        if (text.Length == 0)
            return null;
        var parts = DurationPart().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text)
            throw new ArgumentException($"'{text}' is not a duration: write e.g. 500ms, 1.5s, 2m or a number of milliseconds");
        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ns" => TimeSpan.FromTicks((long)(amount / 100)),
                "us" or "µs" => TimeSpan.FromMicroseconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }
        return total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$")]
    private static partial Regex BareAttribute();
}
