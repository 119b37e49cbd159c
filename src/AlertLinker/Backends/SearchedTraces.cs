namespace AlertLinker.Backends;

/// <summary>
/// Whole traces a search already returned (Jaeger's api_v3 and v1 searches, Zipkin's), handed to the
/// <see cref="BackendQueryCache"/> as the answer to "this trace by id", so the exemplar the analysis wants is not
/// fetched a second time. Backends hand in only the exemplars they picked: the cache holds a few traces per search.
/// </summary>
public sealed class SearchedTraces(BackendQueryCache cache)
{
    /// <summary>The cache key of one trace of one backend; ids in any spelling are one key.</summary>
    public static string Key(string backend, string traceId) => string.Join('\n', "trace", backend, TraceIds.Normalize(traceId));

    /// <summary>Keeps the traces among <paramref name="traces"/> that are among <paramref name="picked"/>.</summary>
    public void Found(string backend, IEnumerable<Trace> traces, IEnumerable<TraceSummary> picked)
    {
        var wanted = picked.Select(p => TraceIds.Normalize(p.TraceId)).ToHashSet(StringComparer.Ordinal);
        foreach (var trace in traces)
        {
            if (trace.Spans.Count > 0 && wanted.Contains(TraceIds.Normalize(trace.TraceId)))
                cache.Offer<Trace?>(Key(backend, trace.TraceId), trace);
        }
    }
}
