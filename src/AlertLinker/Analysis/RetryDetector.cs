using System.Globalization;

namespace AlertLinker.Analysis;

/// <summary>
/// Retry cascades: siblings of one class (same service, same normalized operation, same parent) that ran one after
/// another, where a failed attempt is followed by another attempt. Parallel look-alikes are a fan-out, not retries;
/// a long run of them is an N+1, so only runs up to <see cref="MaxAttempts"/> count unless the spans say they are
/// resends (<c>http.request.resend_count</c>). Linear: one pass over the children of each parent.
/// </summary>
internal static class RetryDetector
{
    public const int MaxAttempts = 10;

    public static List<RetryFinding> Detect(TraceIndex index, SpanClasses classes, bool[] errored, TimeSpan duration, int max)
    {
        var found = new List<RetryFinding>();
        if (max <= 0)
            return found;
        var byClass = new Dictionary<int, List<int>>();
        for (var node = 0; node < index.Count; node++)
        {
            var children = index.Children(node);
            if (children.Length < 2 || !AnyErrored(children, errored))
                continue; // a retry cascade needs a failed attempt: most parents have none, and cost nothing more
            byClass.Clear();
            foreach (var child in children)
            {
                if (!byClass.TryGetValue(classes.ClassOf[child], out var list))
                    byClass[classes.ClassOf[child]] = list = [];
                list.Add(child);
            }
            foreach (var attempts in byClass.Values)
            {
                if (ToFinding(index, classes, errored, attempts, duration) is { } finding)
                    found.Add(finding);
            }
        }
        // The same cascade under many callers (one per message handled) is one finding, counted.
        var merged = found
            .GroupBy(f => (f.First.Service, f.Label))
            .Select(g => g.Count() == 1 ? g.First() : g.First() with
            {
                Callers = g.Count(),
                TimeOnPath = TimeSpan.FromTicks(g.Sum(f => f.TimeOnPath.Ticks)),
            })
            .OrderByDescending(f => f.TimeOnPath)
            .Take(max)
            .ToList();
        return merged;
    }

    private static bool AnyErrored(ReadOnlySpan<int> children, bool[] errored)
    {
        foreach (var child in children)
        {
            if (errored[child])
                return true;
        }
        return false;
    }

    private static RetryFinding? ToFinding(TraceIndex index, SpanClasses classes, bool[] errored, List<int> attempts, TimeSpan duration)
    {
        if (attempts.Count < 2)
            return null;
        var resends = attempts.Any(a => index.Spans[a].Attribute("http.request.resend_count") is { Length: > 0 });
        if (attempts.Count > MaxAttempts && !resends)
            return null;
        // Children are sorted by start: each attempt starts once the one before it ended (a little overlap for skew).
        var failed = 0;
        var failedBeforeLast = false;
        for (var k = 0; k < attempts.Count; k++)
        {
            var a = attempts[k];
            if (k > 0)
            {
                var previous = attempts[k - 1];
                var slack = (index.RawEnd[previous] - index.RawStart[previous]) / 10;
                if (index.RawStart[a] < index.RawEnd[previous] - slack)
                    return null;
            }
            if (errored[a])
            {
                failed++;
                if (k < attempts.Count - 1)
                    failedBeforeLast = true;
            }
        }
        if (!failedBeforeLast)
            return null;
        var failedFirst = true;
        for (var k = 0; k < attempts.Count; k++)
            failedFirst &= errored[attempts[k]] == (k < failed);
        var first = index.Spans[attempts[0]];
        var peer = ErrorChain.Peer(first);
        var label = peer is not null && !first.Operation.Contains(peer, StringComparison.OrdinalIgnoreCase) && peer != first.Service
            ? $"{first.Operation} {peer}".Trim()
            : first.Operation;
        return new RetryFinding(first, string.IsNullOrEmpty(label) ? first.Service : label, attempts.Count, failed, failedFirst,
            Code(index, errored, attempts), TimeSpan.FromTicks(FanOutDetector.TimeOnPath(classes, attempts)), duration);
    }

    /// <summary>The failed attempts' HTTP or gRPC status when they all share one.</summary>
    private static string? Code(TraceIndex index, bool[] errored, List<int> attempts)
    {
        string? code = null;
        foreach (var a in attempts)
        {
            if (!errored[a])
                continue;
            var span = index.Spans[a];
            var this_ = span.Attribute("http.response.status_code") ?? span.Attribute("http.status_code")
                ?? (span.Attribute("rpc.grpc.status_code") is { } grpc && int.TryParse(grpc, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) ? $"gRPC {AnalysisText.GrpcStatus(g)}" : null);
            if (this_ is null || (code is not null && code != this_))
                return null;
            code = this_;
        }
        return code;
    }
}
