using System.Text;
using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>A group of look-alike siblings, by span index; the waterfall collapses it into one line.</summary>
internal sealed record FanOutGroup(int Parent, int[] Members, string Service, string Label, bool IsStatement, long TotalTicks, long WallTicks);

/// <summary>
/// N+1 and chatty loops: under one parent, at least the threshold of children of one service with the same normalized
/// <c>db.statement</c> (<c>db.query.text</c>) or, for spans without one, the same normalized operation. Each child is
/// normalized once and only under parents with enough children, so the cost is linear in the span count.
/// </summary>
internal static class FanOutDetector
{
    public static List<FanOutGroup> Detect(TraceIndex index, int threshold)
    {
        var groups = new List<FanOutGroup>();
        var byShape = new Dictionary<(string Service, string Label, bool IsStatement), List<int>>();
        var buffer = new StringBuilder();
        for (var parent = 0; parent < index.Count; parent++)
        {
            var children = index.Children(parent);
            if (children.Length < threshold)
                continue;
            byShape.Clear();
            foreach (var child in children)
            {
                var span = index.Spans[child];
                var statement = span.Attribute("db.statement") ?? span.Attribute("db.query.text");
                var isStatement = !string.IsNullOrWhiteSpace(statement);
                var label = StatementNormalizer.Normalize(isStatement ? statement! : span.Operation, buffer);
                if (label.Length == 0)
                    continue;
                var key = (span.Service, label, isStatement);
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

    public static FanOutFinding ToFinding(TraceIndex index, FanOutGroup group) => new(
        index.Spans[group.Parent],
        group.Service,
        group.Label,
        group.Members.Length,
        TimeSpan.FromTicks(group.TotalTicks),
        TimeSpan.FromTicks(group.WallTicks),
        group.IsStatement,
        index.Spans[group.Members[0]]);

    // Members come in start order (children are sorted by start), so their union is one sweep.
    private static FanOutGroup Group(TraceIndex index, int parent, int[] members, string service, string label, bool isStatement)
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
        return new FanOutGroup(parent, members, service, label, isStatement, total, wall);
    }
}
