using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>
/// What a trace says, computed without I/O or clock: the headline (the class of spans where the time went), the
/// culprit span, the error origin, N+1 fan-outs, retry cascades, cache misses, broken context at queues and jobs,
/// and a small waterfall. Cost is O(n log n) in the span count (the sorts of children); no step compares siblings pairwise.
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
        var classes = SpanClasses.Build(index, selfTimes);

        var errored = ErrorChain.Errored(index);
        var (originIndex, origin) = ErrorChain.FindOrigin(index, errored);
        if (origin is not null)
            origin = origin with { TimeOnPath = TimeSpan.FromTicks(classes.Inclusive[originIndex]), TraceDuration = duration };

        var groups = FanOutDetector.Detect(index, classes, Math.Max(2, options.FanOutThreshold));
        var reported = Math.Clamp(options.MaxFanOuts, 0, groups.Count);
        var fanOuts = new List<FanOutFinding>(reported);
        for (var g = 0; g < reported; g++)
            fanOuts.Add(FanOutDetector.ToFinding(index, groups[g], FanOutDetector.TimeOnPath(classes, groups[g].Members)));

        var culpritFinding = culprit >= 0 ? new CulpritFinding(index.Spans[culprit], TimeSpan.FromTicks(selfTimes[culprit]), duration) : null;
        var (headline, hereSpan, hereGroups) = Headline(index, classes, groups, fanOuts, culprit, culpritFinding, duration);

        var more = options.ReadRetriesCachesAndContext;
        var retries = more ? RetryDetector.Detect(index, classes, errored, duration, Math.Clamp(options.MaxRetries, 0, 100)) : [];
        var brokenContext = more ? ContextBreaks.Detect(index, duration) : [];
        var cacheMisses = more ? CacheMissDetector.Detect(index, duration) : null;

        var waterfall = WaterfallRenderer.Render(index, errored, hereSpan, hereGroups, originIndex, groups, reported, options);

        return new TraceInsights(
            trace.TraceId,
            index.Count,
            duration,
            index.RootCount,
            index.OrphanCount,
            culpritFinding,
            origin,
            fanOuts,
            waterfall,
            headline)
        {
            CulpritInHeadline = culprit >= 0 && headline is FanOutFinding && classes.Size[classes.AttributedTo[culprit]] >= 2
                && classes.AttributedTo[culprit] == classes.Headline(),
            Retries = retries,
            BrokenContext = brokenContext,
            CacheMisses = cacheMisses,
        };
    }

    /// <summary>
    /// The headline finding, and what the waterfall marks: a span (a class of one) or the groups the class's spans
    /// collapse into, one per parent (appended to <paramref name="groups"/> when the detector's threshold left them out).
    /// </summary>
    private static (Finding? Headline, int HereSpan, HashSet<int> HereGroups) Headline(
        TraceIndex index, SpanClasses classes, List<FanOutGroup> groups, List<FanOutFinding> fanOuts, int culprit, CulpritFinding? culpritFinding, TimeSpan duration)
    {
        var hereGroups = new HashSet<int>();
        var best = classes.Headline();
        if (best < 0)
            return (null, -1, hereGroups);
        var members = classes.Members(index, best);
        if (members.Count == 1)
        {
            var span = members[0];
            var finding = span == culprit ? culpritFinding : new CulpritFinding(index.Spans[span], TimeSpan.FromTicks(classes.Attributed[best]), duration);
            return (finding, span, hereGroups);
        }

        foreach (var byParent in members.GroupBy(m => index.Parent[m]))
        {
            var under = byParent.ToArray();
            if (under.Length < 2 || byParent.Key < 0)
                continue; // roots have no parent line to collapse under
            var existing = groups.FindIndex(g => g.Parent == byParent.Key && g.Members[0] == under[0]);
            if (existing < 0)
            {
                groups.Add(FanOutDetector.Group(index, byParent.Key, under, index.Spans[under[0]].Service, classes.Labels[under[0]], classes.IsStatement[under[0]]));
                existing = groups.Count - 1;
            }
            hereGroups.Add(existing);
        }

        // Spread too thin to collapse anywhere (roots, or one per parent): the first of them carries the marker.
        var hereSpan = hereGroups.Count == 0 ? members[0] : -1;

        // The detector's finding for the same spans, when it has one, so that the two never disagree.
        var first = index.Spans[members[0]];
        var attributed = classes.Attributed[best];
        var reportedSame = fanOuts.FindIndex(f => ReferenceEquals(f.FirstSpan, first) && f.Count == members.Count);
        if (reportedSame >= 0)
        {
            fanOuts[reportedSame] = fanOuts[reportedSame] with { TimeOnPath = TimeSpan.FromTicks(attributed) };
            return (fanOuts[reportedSame], hereSpan, hereGroups);
        }
        var (total, wall) = FanOutDetector.Times(index, members);
        var parent = index.Parent[members[0]];
        var headline = FanOutDetector.ToFinding(index, parent >= 0 ? index.Spans[parent] : null, members, first.Service,
            classes.Labels[members[0]], classes.IsStatement[members[0]], total, wall, attributed);
        return (headline, hereSpan, hereGroups);
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
