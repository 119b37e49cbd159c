using System.Globalization;
using AlertLinker.Alerts;
using AlertLinker.Backends;
using AlertLinker.Resolution;
using Scriban.Runtime;

namespace AlertLinker.Runbooks;

/// <summary>
/// Builds what a template sees, as plain ScriptObjects, arrays, strings, numbers and booleans: no .NET object
/// reaches a template, so there is nothing to reflect on. Names are snake_case. The shape is documented in
/// templates/README.md; change both together.
/// </summary>
internal static class RunbookModel
{
    public static ScriptObject Build(ResolvedAlert resolved, IReadOnlyList<BackendSection> backends)
    {
        var alert = resolved.Alert;
        var labels = Dictionary(alert.Labels);
        var annotations = Dictionary(alert.Annotations);

        var model = new ScriptObject
        {
            ["alert"] = new ScriptObject
            {
                ["name"] = alert.Name,
                ["status"] = Status(alert.Status),
                ["starts_at"] = Iso(alert.StartsAt),
                ["ends_at"] = alert.EndsAt is { } ends ? Iso(ends) : null,
                ["fingerprint"] = alert.Fingerprint,
                ["generator_url"] = alert.GeneratorUrl,
                ["labels"] = labels,
                ["annotations"] = annotations,
            },
            ["labels"] = labels,
            ["annotations"] = annotations,
            ["service"] = resolved.Service,
            ["operation"] = resolved.Operation,
            ["expression"] = resolved.Expression,
            ["window"] = Window(resolved.Window),
            ["backends"] = Array(backends.Select(Backend)),
        };
        return model;
    }

    public static ScriptObject Window(AlertWindow window) => new()
    {
        ["start"] = Iso(window.Start),
        ["end"] = Iso(window.End),
        ["start_s"] = window.Start.ToUnixTimeSeconds(),
        ["end_s"] = window.End.ToUnixTimeSeconds(),
        ["start_ms"] = window.Start.ToUnixTimeMilliseconds(),
        ["end_ms"] = window.End.ToUnixTimeMilliseconds(),
        ["start_us"] = UnixMicros(window.Start),
        ["end_us"] = UnixMicros(window.End),
        ["minutes"] = (long)Math.Ceiling(window.Length.TotalMinutes),
    };

    private static ScriptObject Backend(BackendSection section) => new()
    {
        ["name"] = section.Backend,
        ["type"] = section.Type,
        ["outcome"] = Outcome(section.Outcome),
        ["note"] = section.Note,
        ["links"] = Array(section.Links.Select(Link)),
        ["exemplars"] = Array(section.Exemplars.Select(Exemplar)),
    };

    public static ScriptObject Link(BackendLink link) => new()
    {
        ["title"] = link.Title,
        ["url"] = link.Url.AbsoluteUri,
        ["query"] = link.Query,
    };

    private static ScriptObject Exemplar(TraceSummary trace) => new()
    {
        ["trace_id"] = trace.TraceId,
        ["duration_ms"] = trace.Duration is { } d ? Math.Round(d.TotalMilliseconds, 3) : null,
        ["root_service"] = trace.RootService,
        ["root_operation"] = trace.RootOperation,
        ["error"] = trace.Error,
        ["url"] = trace.Link?.AbsoluteUri,
        ["start"] = trace.Start is { } s ? Iso(s) : null,
    };

    private static ScriptObject Dictionary(IReadOnlyDictionary<string, string> values)
    {
        var result = new ScriptObject();
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            result[key] = value;
        return result;
    }

    private static ScriptArray Array(IEnumerable<object?> items)
    {
        var array = new ScriptArray();
        foreach (var item in items)
            array.Add(item);
        return array;
    }

    private static string Status(AlertStatus status) => status switch
    {
        AlertStatus.Firing => "firing",
        AlertStatus.Acknowledged => "acknowledged",
        AlertStatus.Resolved => "resolved",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Outcome(BackendOutcome outcome) => outcome switch
    {
        BackendOutcome.Found => "found",
        BackendOutcome.NothingFound => "nothing_found",
        BackendOutcome.LinksOnly => "links_only",
        BackendOutcome.Failed => "failed",
        BackendOutcome.TimedOut => "timed_out",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>RFC 3339 in UTC; milliseconds only when there are some (Alertmanager times are usually whole seconds).</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString(time.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static long UnixMicros(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
