namespace AlertLinker.Model;

/// <summary>
/// One trace as a reader sees it: listed once, whichever backends found it, with a link per backend that has it, and
/// analysed once (<see cref="Insights"/>, when it was fetched whole).
/// </summary>
/// <param name="Exemplar">The first backend's summary, completed with what the others knew (root, duration, error).</param>
public sealed record FoundTrace(TraceSummary Exemplar, IReadOnlyList<FoundTraceLink> Links, TraceInsights? Insights)
{
    /// <summary>
    /// The backends' exemplars merged by trace id, taking turns: each backend's first (its slowest or failing one),
    /// then each one's second, and so on, so the first few traces are not all from one backend.
    /// </summary>
    public static IReadOnlyList<FoundTrace> Collect(IReadOnlyList<BackendSection> sections)
    {
        var order = new List<(string Key, int Rank, int Backend)>();
        var byKey = new Dictionary<string, (TraceSummary Summary, List<FoundTraceLink> Links, TraceInsights? Insights)>(StringComparer.Ordinal);
        for (var b = 0; b < sections.Count; b++)
        {
            var section = sections[b];
            for (var rank = 0; rank < section.Exemplars.Count; rank++)
            {
                var exemplar = section.Exemplars[rank];
                var key = Key(exemplar.TraceId);
                var insights = section.Analyses.FirstOrDefault(a => Key(a.Exemplar.TraceId) == key)?.Insights;
                if (!byKey.TryGetValue(key, out var found))
                {
                    order.Add((key, rank, b));
                    byKey[key] = (exemplar, [new FoundTraceLink(section.Backend, exemplar.Link)], insights);
                    continue;
                }
                if (found.Links.All(l => l.Backend != section.Backend))
                    found.Links.Add(new FoundTraceLink(section.Backend, exemplar.Link));
                var summary = found.Summary;
                byKey[key] = (summary with
                {
                    RootService = summary.RootService ?? exemplar.RootService,
                    RootOperation = summary.RootOperation ?? exemplar.RootOperation,
                    Start = summary.Start ?? exemplar.Start,
                    Duration = summary.Duration ?? exemplar.Duration,
                    Error = summary.Error || exemplar.Error,
                    Link = summary.Link ?? exemplar.Link,
                }, found.Links, found.Insights ?? insights);
            }
        }
        return order.OrderBy(o => o.Rank).ThenBy(o => o.Backend)
            .Select(o => byKey[o.Key])
            .Select(f => new FoundTrace(f.Summary, f.Links, f.Insights))
            .ToList();
    }

    /// <summary>
    /// The same trace whatever the backend wrote: lowercase hex, 64-bit ids widened to 128 (Zipkin and Jaeger may drop
    /// the high half's zeros).
    /// </summary>
    public static string Key(string traceId)
    {
        var id = traceId.Trim().ToLowerInvariant();
        return id.Length is > 0 and < 32 && id.All(Uri.IsHexDigit) ? id.PadLeft(32, '0') : id;
    }
}

/// <summary>Where one backend shows a trace; <see cref="Url"/> is null when the backend has no trace page.</summary>
public sealed record FoundTraceLink(string Backend, Uri? Url);
