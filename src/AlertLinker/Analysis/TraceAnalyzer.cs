using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>
/// What a trace says, computed without I/O or clock: the culprit span, the error origin, N+1 fan-outs and a small
/// waterfall. Cost is O(n log n) in the span count (the sorts of children); no step compares siblings pairwise.
/// </summary>
/// <remarks>
/// Broken traces are analysed, not rejected: orphans (parent id not in the trace) and multiple roots are roots of their
/// own subtrees and the trace runs from the first root's start to the last root's end; a child sticking out of its
/// parent (clock skew) is clamped into it, unless it outlives the parent by more than the parent's own duration: then
/// it is asynchronous work (a message consumer) timed on its own; zero-length and negative durations count as zero.
/// </remarks>
public static class TraceAnalyzer
{
    public static TraceInsights Analyze(Trace trace, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        options ??= new AnalysisOptions();

        var index = new TraceIndex(trace.Spans);
        var duration = TimeSpan.FromTicks(index.Length(index.VirtualRoot));

        var selfTimes = CriticalPath.SelfTimes(index);
        var culprit = Culprit(index, selfTimes);

        var errored = ErrorChain.Errored(index);
        var (originIndex, origin) = ErrorChain.FindOrigin(index, errored);

        var groups = FanOutDetector.Detect(index, Math.Max(2, options.FanOutThreshold));
        var reported = Math.Clamp(options.MaxFanOuts, 0, groups.Count);
        var fanOuts = new List<FanOutFinding>(reported);
        for (var g = 0; g < reported; g++)
            fanOuts.Add(FanOutDetector.ToFinding(index, groups[g]));

        var waterfall = WaterfallRenderer.Render(index, errored, culprit, originIndex, groups, reported, options);

        return new TraceInsights(
            trace.TraceId,
            index.Count,
            duration,
            index.RootCount,
            index.OrphanCount,
            culprit >= 0 ? new CulpritFinding(index.Spans[culprit], TimeSpan.FromTicks(selfTimes[culprit]), duration) : null,
            origin,
            fanOuts,
            waterfall);
    }

    /// <summary>The span with the most own time on the critical path; none when the trace took no time at all.</summary>
    private static int Culprit(TraceIndex index, long[] selfTimes)
    {
        var best = -1;
        for (var i = 0; i < index.Count; i++)
        {
            if (selfTimes[i] > 0 && (best < 0 || selfTimes[i] > selfTimes[best]))
                best = i;
        }
        return best;
    }
}
