namespace AlertLinker.Backends.Tempo;

/// <summary>
/// Tempo's side of "what the slow traces share": the selected business keys of the spans its searches returned, one
/// profile per trace, compared like the whole traces of Jaeger and Zipkin (<see cref="SearchProfiles"/>). Pure.
/// </summary>
internal static class TempoProfiles
{
    /// <summary>
    /// One profile per distinct trace among <paramref name="hits"/> (several searches may return one trace with
    /// different matched spans: their spans are pooled). Tempo names a selected attribute without its scope, so a
    /// configured <c>resource.service.version</c> is read from the span attribute <c>service.version</c>.
    /// Traces Tempo sent without any span (a search without span sets) carry nothing to compare and are left out.
    /// </summary>
    public static IReadOnlyList<TraceProfile> Of(IEnumerable<TempoSearchHit> hits, IReadOnlyList<string> keys)
    {
        var renamed = keys.Select(k => (Key: k, Name: TraceQl.ResultName(k))).Where(k => k.Key != k.Name).ToList();
        var traces = new Dictionary<string, (string Id, List<Span> Spans, HashSet<string> SpanIds)>(StringComparer.Ordinal);
        var summaries = new List<TraceSummary>();
        foreach (var hit in hits)
        {
            summaries.Add(hit.Summary);
            var key = FoundTrace.Key(hit.Summary.TraceId);
            if (!traces.TryGetValue(key, out var trace))
                traces[key] = trace = (hit.Summary.TraceId, [], new HashSet<string>(StringComparer.Ordinal));
            foreach (var span in hit.Spans)
            {
                // The same span from two searches carries the same attributes; a span without id is kept.
                if (span.SpanId.Length == 0 || trace.SpanIds.Add(span.SpanId))
                    trace.Spans.Add(Rekeyed(span, renamed));
            }
        }
        return SearchProfiles.Of(traces.Values.Select(t => new Trace(t.Id, t.Spans)), summaries, keys);
    }

    private static Span Rekeyed(Span span, List<(string Key, string Name)> renamed)
    {
        if (renamed.Count == 0)
            return span;
        var attributes = new Dictionary<string, string>(span.Attributes, StringComparer.Ordinal);
        foreach (var (key, name) in renamed)
        {
            if (span.Attributes.TryGetValue(name, out var value))
                attributes.TryAdd(key, value);
        }
        return span with { Attributes = attributes };
    }
}
