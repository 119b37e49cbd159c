using System.Text.Json;

namespace AlertLinker.Backends.Tempo;

/// <summary>One trace of a Tempo search: its summary, and the spans of its span sets with the attributes Tempo returned.</summary>
/// <param name="Spans">
/// Only the matched spans Tempo sent (at most <c>spss</c> per span set), not the whole trace: enough for the business
/// keys a <c>select(…)</c> asked for, never handed on as a trace.
/// </param>
internal sealed record TempoSearchHit(TraceSummary Summary, IReadOnlyList<Span> Spans);

/// <summary>Tempo search answers as <see cref="TraceSummary"/> (links added by the backend). Pure.</summary>
internal static class TempoParsing
{
    /// <summary>What Tempo puts in rootServiceName while the root span is still missing.</summary>
    private const string RootNotYetReceived = "<root span not yet received>";

    /// <summary><c>GET /api/search</c>: <c>traces[]</c> with hex ids, start in ns (a string), durationMs (left out when 0).</summary>
    public static IReadOnlyList<TraceSummary> ParseSearch(string json, bool errorSearch) =>
        ParseHits(json, errorSearch).Select(h => h.Summary).ToList();

    /// <summary>
    /// <c>GET /api/search</c> with the spans of each trace's <c>spanSets</c> (or the deprecated single <c>spanSet</c> that
    /// older Tempo versions send alone). Span attributes are keyed as Tempo writes them: the attribute's name without
    /// its scope, span and resource alike. Values read like OTLP's AnyValue everywhere else (ints and bools as text).
    /// </summary>
    public static IReadOnlyList<TempoSearchHit> ParseHits(string json, bool errorSearch)
    {
        var response = JsonSerializer.Deserialize<SearchResponse>(json, BackendHttp.Json)
            ?? throw new JsonException("empty search response");
        return (response.Traces ?? [])
            .Where(t => !string.IsNullOrEmpty(t.TraceID))
            .Select(t =>
            {
                var id = TraceIds.Normalize(t.TraceID!);
                var summary = new TraceSummary(
                    id,
                    t.RootServiceName is null or RootNotYetReceived or "" ? null : t.RootServiceName,
                    string.IsNullOrEmpty(t.RootTraceName) ? null : t.RootTraceName,
                    t.StartTimeUnixNano is { } start and > 0 ? BackendTime.FromUnixNanoseconds(start) : null,
                    TimeSpan.FromMilliseconds(t.DurationMs ?? 0),
                    // Matches of "status = error" are errored by definition; other results tell by their error counts.
                    errorSearch || (t.ServiceStats?.Values.Any(s => s.ErrorCount > 0) ?? false),
                    null);
                return new TempoSearchHit(summary, Spans(id, t));
            })
            .ToList();
    }

    private static List<Span> Spans(string traceId, SearchTrace trace)
    {
        // spanSets[0] is the deprecated spanSet (Tempo fills both): read the list where there is one.
        var sets = trace.SpanSets is { Count: > 0 } list ? list : trace.SpanSet is { } one ? [one] : [];
        var spans = new List<Span>();
        foreach (var span in sets.SelectMany(s => s.Spans ?? []))
        {
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var attribute in span.Attributes ?? [])
            {
                if (!string.IsNullOrEmpty(attribute.Key))
                    attributes.TryAdd(attribute.Key, Otlp.OtlpTraceParser.AnyValue(attribute.Value, depth: 0));
            }
            var service = attributes.GetValueOrDefault("service.name") ?? trace.RootServiceName ?? "";
            spans.Add(new Span(
                traceId,
                string.IsNullOrEmpty(span.SpanID) ? "" : TraceIds.Normalize(span.SpanID),
                null,
                service,
                span.Name ?? "",
                span.StartTimeUnixNano is { } start and > 0 ? BackendTime.FromUnixNanoseconds(start) : DateTimeOffset.UnixEpoch,
                TimeSpan.FromTicks((span.DurationNanos ?? 0) / 100),
                SpanStatus.Unset,
                attributes));
        }
        return spans;
    }

    internal sealed record SearchResponse(List<SearchTrace>? Traces);

    internal sealed record SearchTrace(
        string? TraceID,
        string? RootServiceName,
        string? RootTraceName,
        long? StartTimeUnixNano,
        long? DurationMs,
        Dictionary<string, ServiceStats>? ServiceStats,
        List<SearchSpanSet>? SpanSets = null,
        SearchSpanSet? SpanSet = null);

    internal sealed record ServiceStats(int SpanCount, int ErrorCount);

    internal sealed record SearchSpanSet(List<SearchSpan>? Spans);

    internal sealed record SearchSpan(string? SpanID, string? Name, long? StartTimeUnixNano, long? DurationNanos, List<SearchAttribute>? Attributes);

    internal sealed record SearchAttribute(string? Key, JsonElement? Value);
}
