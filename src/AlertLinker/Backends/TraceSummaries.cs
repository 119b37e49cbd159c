namespace AlertLinker.Backends;

/// <summary>A whole trace as an exemplar, for backends whose search answers whole traces (Zipkin).</summary>
public static class TraceSummaries
{
    /// <summary>
    /// Root = the earliest span without a parent inside the trace; start and duration span all spans (so asynchronous
    /// work after the root counts); errored when any span failed. Null for a trace without spans.
    /// </summary>
    public static TraceSummary? From(Trace trace)
    {
        if (trace.Spans.Count == 0)
            return null;
        var ids = trace.Spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = trace.Spans
            .Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId))
            .DefaultIfEmpty(trace.Spans[0])
            .MinBy(s => s.Start)!;
        var start = trace.Spans.Min(s => s.Start);
        return new TraceSummary(
            trace.TraceId,
            root.Service,
            root.Operation,
            start,
            trace.Spans.Max(s => s.End) - start,
            trace.Spans.Any(s => s.Status == SpanStatus.Error),
            null);
    }
}
