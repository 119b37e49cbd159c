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

    /// <summary>
    /// The functions as templates see them, built once and shared by every render (read-only). Each one that needs the
    /// alert finds this render's <see cref="RunbookFunctions"/> in its context (<see cref="BindTo"/>).
    /// Built per render, the nine delegates cost Scriban a wrapper each, and .NET a reflection stub compiled and later
    /// finalized: measured as most of the finalizer thread's time while a flood of notifications was delivered.
    /// </summary>
    public static ScriptObject Shared { get; } = CreateShared();

    private static ScriptObject CreateShared()
    {
        var functions = new ScriptObject();
        Add(functions, "trace_search", new Func<TemplateContext, ScriptObject?, object?, bool, string?, int, string?, string?, ScriptArray>(TraceSearchOf));
        Add(functions, "traceql", new Func<TemplateContext, ScriptObject?, object?, bool, string?, string?, string>(TraceQlOf));
        Add(functions, "jaeger_tags", new Func<ScriptObject?, bool, string>(JaegerTags));
        Add(functions, "slack_link", new Func<object?, object?, TemplateMarkup>(SlackLink));
        Add(functions, "link", new Func<object?, object?, TemplateMarkup>(SlackLink));
        Add(functions, "escape", new Func<object?, TemplateMarkup>(Escape));
        Add(functions, "duration", new Func<object?, string?, object>(FormatDuration));
        Add(functions, "unix_time", new Func<object?, string?, long?>(UnixTime));
        Add(functions, "include", new Func<TemplateContext, SourceSpan, string, TemplateMarkup>(IncludeOf));
        functions.IsReadOnly = true;
        return functions;
    }

    /// <summary>
    /// Registers a function by its method, not by its delegate: Scriban calls a delegate-backed function with
    /// <c>Delegate.DynamicInvoke</c>, which looks the delegate type's <c>Invoke</c> up again on every call, and .NET
    /// keeps what that lookup finds only weakly: after garbage collections it compiles new reflection stubs. While a
    /// backlog of ~1 000 deliveries a second drained, that was 60–86 stubs a second, compiled at full optimization,
    /// without end. Through the method, the function keeps the one stub it compiled.
    /// </summary>
    private static void Add(ScriptObject functions, string name, Delegate function) =>
        functions.SetValue(name, DynamicCustomFunction.Create(function.Target, function.Method), readOnly: true);

    // The shared entries of the functions bound to the alert. Scriban hands them the context (not a template argument);
    // the parameter names and defaults are the templates' named arguments, as documented on the instance methods.
    private static ScriptArray TraceSearchOf(TemplateContext context, ScriptObject? attributes = null, object? min_duration = null,
        bool errors_only = false, string? operation = null, int limit = 20, string? service = null, string? backend = null) =>
        Of(context).TraceSearch(attributes, min_duration, errors_only, operation, limit, service, backend);

    private static string TraceQlOf(TemplateContext context, ScriptObject? attributes = null, object? min_duration = null,
        bool errors_only = false, string? operation = null, string? service = null) =>
        Of(context).TraceQl(attributes, min_duration, errors_only, operation, service);

    private static TemplateMarkup IncludeOf(TemplateContext context, SourceSpan span, string name) => Of(context).Include(context, span, name);

    /// <summary>Makes these the functions <see cref="Shared"/> calls on behalf of <paramref name="context"/>'s render.</summary>
    public void BindTo(TemplateContext context) => context.Tags[typeof(RunbookFunctions)] = this;

    private static RunbookFunctions Of(TemplateContext context) =>
        context.Tags.TryGetValue(typeof(RunbookFunctions), out var bound) && bound is RunbookFunctions functions
            ? functions
            : throw new InvalidOperationException("runbook functions are used in a render they were not bound to (BindTo)");

    /// <summary>
    /// The same search in every configured backend: one entry per backend that can express it
    /// (<c>backend</c>, <c>type</c>, <c>title</c>, <c>url</c>, <c>query</c>, <c>link</c>). Empty when the alert has no service.
    /// <paramref name="backend"/> keeps the backends of that name or type only (<c>backend: "Jaeger"</c>).
    /// </summary>
    public ScriptArray TraceSearch(
        ScriptObject? attributes = null,
        object? min_duration = null,
        bool errors_only = false,
        string? operation = null,
        int limit = 20,
        string? service = null,
        string? backend = null)
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
        foreach (var candidate in backends)
        {
            if (backend is not null && !candidate.Name.Equals(backend, StringComparison.OrdinalIgnoreCase)
                && !candidate.Type.Equals(backend, StringComparison.OrdinalIgnoreCase))
                continue;
            BackendLink? link;
            try
            {
                link = candidate.BuildSearchLink(search);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Link building is pure and should not throw; one faulty backend must not cost the runbook.
                continue;
            }
            if (link is null)
                continue;
            var entry = RunbookModel.Link(link);
            entry["backend"] = candidate.Name;
            entry["type"] = candidate.Type;
            entry["link"] = new TemplateMarkup(Markup.Link(link.Url.AbsoluteUri, Markup.Escape($"{candidate.Name}: {link.Title}")));
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
        // The same TraceQL the Tempo backend links with, so the line a runbook prints and Tempo's link agree.
        var searchService = service ?? alert.Service;
        return Backends.Tempo.TraceQl.SpanSet(searchService, operation, Attributes(attributes), ParseDuration(min_duration), errors_only);
    }

    /// <summary>
    /// Tags as Jaeger's search form takes them (logfmt: <c>db.system=postgresql error=true</c>); values with spaces,
    /// quotes or <c>=</c> are quoted. The links from <c>trace_search</c> carry the same tags already.
    /// </summary>
    public static string JaegerTags(ScriptObject? attributes = null, bool errors_only = false)
    {
        var tags = Attributes(attributes);
        if (errors_only)
            tags["error"] = "true";
        return string.Join(' ', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{LogfmtPart(t.Key)}={LogfmtPart(t.Value)}"));
    }

    private static string LogfmtPart(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '=' or '\\')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A link (<c>[label](url)</c> in the neutral markup, a Slack link once delivered) for http(s) URLs; anything else
    /// comes out as the escaped label. Called <c>slack_link</c> for the templates written before the markup was neutral.
    /// </summary>
    public static TemplateMarkup SlackLink(object? url, object? label = null)
    {
        var target = url?.ToString();
        var markup = label as TemplateMarkup ?? new TemplateMarkup(Markup.Escape(label?.ToString() ?? target ?? ""));
        return new TemplateMarkup(Markup.Link(target, markup.Text));
    }

    /// <summary>Escapes text for the markup. Printed values are escaped anyway; this is for building text by hand.</summary>
    public static TemplateMarkup Escape(object? text) =>
        text as TemplateMarkup ?? new TemplateMarkup(Markup.Escape(text?.ToString() ?? ""));

    /// <summary>
    /// A duration (milliseconds as a number, or "1.5s", "250ms", "2m") in a backend's unit: by default the Go form
    /// TraceQL and Jaeger take (<c>1500ms</c>); <c>"s"</c>, <c>"ms"</c>, <c>"us"</c> or <c>"ns"</c> give a number
    /// (Zipkin's minDuration is µs, Datadog's @duration ns, Honeycomb's duration_ms ms).
    /// </summary>
    public static object FormatDuration(object? value, string? unit = null)
    {
        if (ParseDuration(value) is not { } duration)
            return "";
        return unit switch
        {
            null or "" or "go" => BackendTime.ToGoDuration(duration),
            "s" => duration.Ticks % TimeSpan.TicksPerSecond == 0 ? duration.Ticks / TimeSpan.TicksPerSecond : duration.TotalSeconds,
            "ms" => duration.Ticks % TimeSpan.TicksPerMillisecond == 0 ? duration.Ticks / TimeSpan.TicksPerMillisecond : duration.TotalMilliseconds,
            "us" or "µs" => duration.Ticks / TimeSpan.TicksPerMicrosecond,
            "ns" => duration.Ticks * 100,
            _ => throw new ArgumentException($"duration: unit '{unit}' is not one of go, s, ms, us, ns"),
        };
    }

    /// <summary>
    /// An RFC 3339 time (<c>window.start</c>, <c>alert.starts_at</c>) as a unix timestamp in a backend's unit:
    /// <c>"s"</c> (Honeycomb, Tempo), <c>"ms"</c> (Grafana, Zipkin, Datadog), <c>"us"</c> (Jaeger) or <c>"ns"</c>. Null for null.
    /// </summary>
    public static long? UnixTime(object? time, string? unit = "s")
    {
        if (time is null || time is string { Length: 0 })
            return null;
        if (!DateTimeOffset.TryParse(time.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            throw new ArgumentException($"unix_time: '{time}' is not an RFC 3339 time such as 2026-11-23T18:00:00Z");
        return unit switch
        {
            null or "" or "s" => BackendTime.ToUnixSecondsFloor(instant),
            "ms" => BackendTime.ToUnixMilliseconds(instant),
            "us" or "µs" => BackendTime.ToUnixMicroseconds(instant),
            "ns" => BackendTime.ToUnixMicroseconds(instant) * 1000 + instant.UtcTicks % 10 * 100,
            _ => throw new ArgumentException($"unix_time: unit '{unit}' is not one of s, ms, us, ns"),
        };
    }

    /// <summary><c>include "_name"</c>: a partial (<c>_name.sbn</c>) from the runbook folder, parsed at start-up. Nothing else can be included.</summary>
    public TemplateMarkup Include(TemplateContext context, SourceSpan span, string name)
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
            return new TemplateMarkup(partial.Render(context) ?? "");
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
}
