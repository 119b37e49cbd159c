using System.Text;
using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>
/// Spans grouped into classes, and the critical path's time attributed to them. A class is one service doing the same
/// normalized <c>db.statement</c> (<c>db.query.text</c>) or, without one, the same normalized operation, under the same
/// parent class: 30 queries that differ in literals under one handler are one class of 30; the 12 server spans under 12
/// look-alike client calls are one class of 12 too, because their parents are one class. A root is a class of its own.
/// </summary>
/// <remarks>
/// Attribution: a span's own critical-path time goes to its class, except inside a repeated class (two or more spans):
/// there everything below belongs to the repetition, because each repeat does it again. A repetition nested inside
/// another one takes its time over only when it repeats more often (2 handlers × 30 queries: the 60 queries are the
/// story; 12 calls each served by one server span: the 12 calls are). The class with the most attributed time is
/// where the time went. One pass top-down, one bottom-up: linear in the span count apart from the label hashing.
/// </remarks>
internal sealed class SpanClasses
{
    /// <summary>Per span: the normalized statement or operation; empty when the span has neither.</summary>
    public string[] Labels { get; }

    /// <summary>Per span: true when <see cref="Labels"/> is a statement, not an operation.</summary>
    public bool[] IsStatement { get; }

    /// <summary>Per span: its class.</summary>
    public int[] ClassOf { get; }

    /// <summary>Per span: the critical-path time (ticks) in the span and everything below it.</summary>
    public long[] Inclusive { get; }

    /// <summary>Per class: how many spans it has.</summary>
    public int[] Size { get; }

    /// <summary>Per span: the class its own time is attributed to.</summary>
    public int[] AttributedTo { get; }

    /// <summary>Per class: the critical-path time (ticks) attributed to it.</summary>
    public long[] Attributed { get; }

    public int ClassCount { get; private set; }

    private SpanClasses(int spans)
    {
        Labels = new string[spans];
        IsStatement = new bool[spans];
        ClassOf = new int[spans];
        Inclusive = new long[spans];
        AttributedTo = new int[spans];
        Size = new int[spans];
        Attributed = new long[spans];
    }

    /// <param name="selfTimes">From <see cref="CriticalPath.SelfTimes"/>.</param>
    public static SpanClasses Build(TraceIndex index, long[] selfTimes)
    {
        var n = index.Count;
        var classes = new SpanClasses(n);
        var labels = classes.Labels;
        var isStatement = classes.IsStatement;
        var buffer = new StringBuilder();
        // Operation names repeat a lot (a few dozen distinct in 10 000 spans); statements mostly differ in literals.
        var operations = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var span = index.Spans[i];
            var statement = span.Attribute("db.statement") ?? span.Attribute("db.query.text");
            if (!string.IsNullOrWhiteSpace(statement))
            {
                isStatement[i] = true;
                labels[i] = StatementNormalizer.Normalize(statement, buffer);
            }
            else if (!operations.TryGetValue(span.Operation, out var label))
                operations[span.Operation] = labels[i] = StatementNormalizer.Normalize(span.Operation, buffer);
            else
                labels[i] = label;
        }

        var classOf = classes.ClassOf;
        var size = classes.Size;
        var ids = new Dictionary<(int ParentClass, string Service, string Label, bool IsStatement), int>(n);
        foreach (var x in index.TopDown)
        {
            var parent = index.Parent[x];
            // Roots were issued by no one: each is a class of its own (two orphans of one name are no loop).
            var key = (parent < 0 ? -2 - x : classOf[parent], index.Spans[x].Service, labels[x], isStatement[x]);
            if (!ids.TryGetValue(key, out var id))
                ids[key] = id = ids.Count;
            classOf[x] = id;
            size[id]++;
        }

        // Top-down: inside a repetition, the outermost of equally repeated classes keeps the time.
        var attributedTo = classes.AttributedTo;
        var attributed = classes.Attributed;
        foreach (var x in index.TopDown)
        {
            var parent = index.Parent[x];
            var inherited = parent >= 0 && size[attributedTo[parent]] >= 2 ? attributedTo[parent] : -1;
            var own = classOf[x];
            attributedTo[x] = size[own] >= 2 && (inherited < 0 || size[own] > size[inherited]) ? own : inherited >= 0 ? inherited : own;
            attributed[attributedTo[x]] += selfTimes[x];
        }

        // Bottom-up: children after parents in TopDown, so walking it backwards sums each subtree once.
        var inclusive = classes.Inclusive;
        for (var k = n - 1; k >= 0; k--)
        {
            var x = index.TopDown[k];
            inclusive[x] += selfTimes[x];
            if (index.Parent[x] >= 0)
                inclusive[index.Parent[x]] += inclusive[x];
        }
        classes.ClassCount = ids.Count;
        return classes;
    }

    /// <summary>The class with the most attributed time, the earliest on a tie; -1 when no time was spent at all.</summary>
    public int Headline()
    {
        var best = -1;
        for (var c = 0; c < ClassCount; c++)
        {
            if (Attributed[c] > 0 && (best < 0 || Attributed[c] > Attributed[best]))
                best = c;
        }
        return best;
    }

    /// <summary>The spans of one class, by start (then position).</summary>
    public List<int> Members(TraceIndex index, int cls)
    {
        var members = new List<int>(Size[cls]);
        for (var i = 0; i < index.Count; i++)
        {
            if (ClassOf[i] == cls)
                members.Add(i);
        }
        members.Sort((a, b) => index.RawStart[a] != index.RawStart[b] ? index.RawStart[a].CompareTo(index.RawStart[b]) : a.CompareTo(b));
        return members;
    }
}
