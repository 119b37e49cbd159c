using System.Text;

namespace AlertLinker.Analysis;

/// <summary>
/// What a trace carries on the compared attributes: per key its distinct values over all spans (a span's own
/// attribute, else its process's), bounded, with <c>db.statement</c> (and <c>db.query.text</c>) normalized so that
/// statements differing only in literals are one value. Pure; linear in spans × keys.
/// </summary>
public static class TraceProfiles
{
    /// <summary>The keys compared when <c>AlertLinker:Enrichment:BusinessKeys</c> names none.</summary>
    public static readonly IReadOnlyList<string> DefaultKeys =
    [
        "tenant.id", "customer.id", "user.id", "order.id", "region", "cloud.region", "service.version",
        "deployment.environment", "k8s.pod.name", "host.name", "http.route", "db.statement",
    ];

    /// <summary>Distinct values kept per key and trace: a trace touching 200 orders says nothing about any one of them.</summary>
    public const int MaxValuesPerKey = 8;

    /// <summary>Values are cut to this many characters (a long statement stays recognisable).</summary>
    public const int MaxValueLength = 120;

    private static readonly string[] StatementKeys = ["db.statement", "db.query.text"];

    public static TraceProfile Of(Trace trace, TimeSpan? duration, bool error, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var buffer = new StringBuilder();
        foreach (var key in keys)
        {
            var isStatement = StatementKeys.Contains(key, StringComparer.Ordinal);
            List<string>? values = null;
            foreach (var span in trace.Spans)
            {
                var value = span.AttributeOrResource(key);
                if (value is null && isStatement)
                    value = StatementKeys.Select(span.Attribute).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
                if (string.IsNullOrWhiteSpace(value))
                    continue;
                value = AnalysisText.OneLine(isStatement ? StatementNormalizer.Normalize(value, buffer) : value, MaxValueLength);
                values ??= new List<string>(2);
                if (!values.Contains(value, StringComparer.Ordinal))
                {
                    values.Add(value);
                    if (values.Count > MaxValuesPerKey)
                        break;
                }
            }
            // More distinct values than the bound: the trace spans many of them, none of which it is "about".
            if (values is { Count: > 0 and <= MaxValuesPerKey })
                attributes[key] = values;
        }
        return new TraceProfile(trace.TraceId, duration, error, attributes);
    }
}
