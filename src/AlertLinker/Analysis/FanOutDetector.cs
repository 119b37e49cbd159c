using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>A group of look-alike siblings, by span index; the waterfall collapses it into one line.</summary>
internal sealed record FanOutGroup(int Parent, int[] Members, string Service, string Label, bool IsStatement, long TotalTicks, long WallTicks);

/// <summary>
/// N+1 and chatty loops: under one parent, at least the threshold of children of one service with the same normalized
/// <c>db.statement</c> (<c>db.query.text</c>) or, for spans without one, the same normalized operation (the labels of
/// <see cref="SpanClasses"/>, normalized once), so the cost is linear in the span count.
/// </summary>
internal static class FanOutDetector
{
    public static List<FanOutGroup> Detect(TraceIndex index, SpanClasses classes, int threshold)
    {
        var groups = new List<FanOutGroup>();
        var byShape = new Dictionary<(string Service, string Label, bool IsStatement), List<int>>();
        for (var parent = 0; parent < index.Count; parent++)
        {
            var children = index.Children(parent);
            if (children.Length < threshold)
                continue;
            byShape.Clear();
            foreach (var child in children)
            {
                var label = classes.Labels[child];
                if (label.Length == 0)
                    continue;
                var key = (index.Spans[child].Service, label, classes.IsStatement[child]);
                if (!byShape.TryGetValue(key, out var members))
                    byShape[key] = members = [];
                members.Add(child);
            }
            foreach (var ((service, label, isStatement), members) in byShape)
            {
                if (members.Count >= threshold)
                    groups.Add(Group(index, parent, [.. members], service, label, isStatement));
            }
        }
        // Costliest first; ties broken by position so the result never depends on dictionary order.
        groups.Sort((a, b) => b.TotalTicks != a.TotalTicks ? b.TotalTicks.CompareTo(a.TotalTicks) : a.Members[0].CompareTo(b.Members[0]));
        return groups;
    }

    /// <param name="timeOnPath">Critical-path ticks the group accounts for.</param>
    public static FanOutFinding ToFinding(TraceIndex index, FanOutGroup group, long timeOnPath) => ToFinding(
        index, group.Parent >= 0 ? index.Spans[group.Parent] : null, group.Members, group.Service, group.Label, group.IsStatement,
        group.TotalTicks, group.WallTicks, timeOnPath);

    public static FanOutFinding ToFinding(
        TraceIndex index, Span? parent, IReadOnlyList<int> members, string service, string label, bool isStatement, long totalTicks, long wallTicks, long timeOnPath) => new(
        parent,
        service,
        label,
        members.Count,
        TimeSpan.FromTicks(totalTicks),
        TimeSpan.FromTicks(wallTicks),
        isStatement,
        index.Spans[members[0]],
        TimeSpan.FromTicks(timeOnPath),
        TimeSpan.FromTicks(index.Length(index.VirtualRoot)),
        Peer(index, members[0]));

    /// <summary>Critical-path ticks in the members and below them.</summary>
    public static long TimeOnPath(SpanClasses classes, IReadOnlyList<int> members)
    {
        long total = 0;
        foreach (var member in members)
            total += classes.Inclusive[member];
        return total;
    }

    /// <summary>Whom the spans talked to: what the first one says, else the other service its first child runs in.</summary>
    private static string? Peer(TraceIndex index, int member)
    {
        if (ErrorChain.Peer(index.Spans[member]) is { } peer)
            return peer;
        foreach (var child in index.Children(member))
        {
            if (!string.Equals(index.Spans[child].Service, index.Spans[member].Service, StringComparison.Ordinal))
                return index.Spans[child].Service;
        }
        return null;
    }

    /// <summary>Total and wall time of members in start order (children are sorted by start), so their union is one sweep.</summary>
    public static (long Total, long Wall) Times(TraceIndex index, IReadOnlyList<int> members)
    {
        long total = 0, wall = 0, coveredUntil = long.MinValue;
        foreach (var member in members)
        {
            var start = index.RawStart[member];
            var end = index.RawEnd[member];
            total = end - start > long.MaxValue - total ? long.MaxValue : total + (end - start);
            if (end > coveredUntil)
            {
                wall += end - Math.Max(start, coveredUntil);
                coveredUntil = end;
            }
        }
        return (total, wall);
    }

    public static FanOutGroup Group(TraceIndex index, int parent, int[] members, string service, string label, bool isStatement)
    {
        var (total, wall) = Times(index, members);
        return new FanOutGroup(parent, members, service, label, isStatement, total, wall);
    }
}
