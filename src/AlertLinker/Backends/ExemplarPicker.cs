namespace AlertLinker.Backends;

/// <summary>
/// Chooses which traces a backend shows: the slowest and the errored ones of the window, one of each in turn
/// (the on-call engineer wants both kinds even when only three fit), each trace once, at most <c>count</c>.
/// </summary>
public static class ExemplarPicker
{
    public static IReadOnlyList<TraceSummary> Pick(IEnumerable<TraceSummary> candidates, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var all = Distinct(candidates);
        var slowest = all.OrderByDescending(t => t.Duration ?? TimeSpan.MinValue).ToList();
        var errored = slowest.Where(t => t.Error).ToList();

        var picked = new List<TraceSummary>(count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int nextSlow = 0, nextError = 0;
        while (picked.Count < count && (nextSlow < slowest.Count || nextError < errored.Count))
        {
            TakeNext(slowest, ref nextSlow);
            if (picked.Count < count)
                TakeNext(errored, ref nextError);
        }
        return picked;

        void TakeNext(List<TraceSummary> from, ref int index)
        {
            while (index < from.Count)
            {
                var candidate = from[index++];
                if (seen.Add(candidate.TraceId))
                {
                    picked.Add(candidate);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One summary per trace id. A trace found by two searches (slow and errored) keeps the most informative
    /// view: errored if either search saw an error, and the longest known duration.
    /// </summary>
    private static List<TraceSummary> Distinct(IEnumerable<TraceSummary> candidates)
    {
        var byId = new Dictionary<string, TraceSummary>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var candidate in candidates)
        {
            if (!byId.TryGetValue(candidate.TraceId, out var known))
            {
                byId[candidate.TraceId] = candidate;
                order.Add(candidate.TraceId);
                continue;
            }
            byId[candidate.TraceId] = known with
            {
                Error = known.Error || candidate.Error,
                Duration = Max(known.Duration, candidate.Duration),
                RootService = known.RootService ?? candidate.RootService,
                RootOperation = known.RootOperation ?? candidate.RootOperation,
                Start = known.Start ?? candidate.Start,
                Link = known.Link ?? candidate.Link,
            };
        }
        return order.Select(id => byId[id]).ToList();
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
