using System.Globalization;

namespace AlertLinker.Model;

/// <summary>The time range to look for traces in.</summary>
public sealed record AlertWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;

    /// <summary>
    /// "14:02–14:22 UTC, 20 min" (dates added when the window crosses midnight): the one way every stage writes a
    /// window for people, so the header, the notes and the runbooks agree.
    /// </summary>
    public string Text
    {
        get
        {
            var from = Start.UtcDateTime;
            var to = End.UtcDateTime;
            var range = from.Date == to.Date
                ? string.Create(CultureInfo.InvariantCulture, $"{from:HH:mm}–{to:HH:mm} UTC")
                : string.Create(CultureInfo.InvariantCulture, $"{from:MMM d HH:mm} – {to:MMM d HH:mm} UTC");
            var minutes = (long)Math.Round(Math.Max(0, Length.TotalMinutes), MidpointRounding.AwayFromZero);
            var length = minutes < 120
                ? string.Create(CultureInfo.InvariantCulture, $"{minutes} min")
                : minutes % 60 == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h")
                    : string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h {minutes % 60} min");
            return $"{range}, {length}";
        }
    }
}

/// <summary>An alert with what we worked out of it: which service, which operation, which window, which PromQL.</summary>
public sealed record ResolvedAlert(
    Alert Alert,
    string? Service,
    string? Operation,
    AlertWindow Window,
    string? Expression)
{
    /// <summary>Set when the alert's labels are those of span metrics (<c>span_name</c> or <c>span_kind</c>).</summary>
    public SpanMetricScope? SpanMetric { get; init; }

    /// <summary>The service as the alert's label spelled it, before <c>AlertLinker:Services:Aliases</c> (the key an alias line needs).</summary>
    public string? ServiceLabel { get; init; }
}

/// <summary>
/// What a span-metrics alert (OpenTelemetry Collector spanmetrics connector, Tempo metrics-generator) says beyond its
/// service and operation: the span kind, whether it counts failed spans, and span attributes its labels carry.
/// </summary>
/// <param name="Kind">server, client, producer, consumer or internal; null when the alert has no <c>span_kind</c>.</param>
/// <param name="ErrorsOnly">True when <c>status_code</c> is the error status: the alert is about failed spans.</param>
/// <param name="Attributes">Span attributes from labels, by their OpenTelemetry names (<c>db_system</c> → <c>db.system</c>).</param>
public sealed record SpanMetricScope(string? Kind, bool ErrorsOnly, IReadOnlyDictionary<string, string> Attributes);
