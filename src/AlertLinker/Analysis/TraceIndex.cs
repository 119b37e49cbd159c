using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>
/// A trace as arrays indexed by span position, built once in O(n log n): parent, children (grouped by parent, by start),
/// depth, top-down order, and each span's interval clamped into its parent's.
/// </summary>
/// <remarks>
/// Index <see cref="VirtualRoot"/> (= span count) is a synthetic root over all real roots: multiple roots and orphans
/// hang under it, so every walk has one starting point. Real spans never point at it: their <see cref="Parent"/> is -1.
/// <list type="bullet">
/// <item>Orphans (parent id not in the trace) are roots of their own subtree, not glued to a guessed parent.</item>
/// <item>Duplicate span ids (Zipkin's shared client/server spans) all stay; children attach to the first of them.</item>
/// <item>A parent cycle (broken data) is cut where it closes; that span becomes a root.</item>
/// <item>Clock skew: a child is clamped into its (clamped) parent's interval; one wholly outside becomes zero-length at the nearer edge.</item>
/// <item>Asynchronous work: a child that outlives its parent by more than the parent's own duration (a consumer of a
/// 1 ms "send", a 250 ms handler under a 26 µs "poll") is not skew; it keeps its own times and, for the critical path
/// only, counts as a root. The trace then runs to its end.</item>
/// </list>
/// </remarks>
internal sealed class TraceIndex
{
    public IReadOnlyList<Span> Spans { get; }
    public int Count { get; }
    public int VirtualRoot => Count;

    /// <summary>Parent index, or -1 for a root (orphans included).</summary>
    public int[] Parent { get; }

    /// <summary>True where the span named a parent that is not in the trace.</summary>
    public bool[] IsOrphan { get; }

    /// <summary>Children of node i (the virtual root included) are <c>ChildIds[ChildStart[i] .. ChildStart[i+1])</c>, by start then position.</summary>
    public int[] ChildStart { get; }
    public int[] ChildIds { get; }

    /// <summary>
    /// Children for timing (the critical path): the same as <see cref="ChildStart"/>/<see cref="ChildIds"/> except that
    /// detached spans are children of the virtual root. Not sorted.
    /// </summary>
    public int[] TimingChildStart { get; }
    public int[] TimingChildIds { get; }

    /// <summary>True where a span outlives its parent by more than the parent's duration: asynchronous, timed on its own.</summary>
    public bool[] IsDetached { get; }

    /// <summary>Depth below the virtual root: real roots are 0.</summary>
    public int[] Depth { get; }

    /// <summary>Every real span, parents before children (breadth first).</summary>
    public int[] TopDown { get; }

    /// <summary>The span's own interval in UTC ticks, as the backend reported it (negative durations as zero).</summary>
    public long[] RawStart { get; }
    public long[] RawEnd { get; }

    /// <summary>Clamped interval in UTC ticks; length Count + 1 (the virtual root spans all roots and detached spans).</summary>
    public long[] Start { get; }
    public long[] End { get; }

    public int RootCount { get; }
    public int OrphanCount { get; }

    public TraceIndex(IReadOnlyList<Span> spans)
    {
        Spans = spans;
        var n = Count = spans.Count;
        Parent = new int[n];
        IsOrphan = new bool[n];

        var byId = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
            byId.TryAdd(spans[i].SpanId, i);

        for (var i = 0; i < n; i++)
        {
            var parentId = spans[i].ParentSpanId;
            if (string.IsNullOrEmpty(parentId))
                Parent[i] = -1;
            else if (byId.TryGetValue(parentId, out var p))
                Parent[i] = p != i ? p : -1; // a span naming itself as parent is broken data: a root, not an orphan
            else
            {
                Parent[i] = -1;
                IsOrphan[i] = true;
            }
        }
        BreakCycles();

        // Children grouped by parent (counting sort), the virtual root holding the real roots.
        ChildStart = new int[n + 2];
        for (var i = 0; i < n; i++)
            ChildStart[Slot(i) + 1]++;
        for (var i = 1; i < ChildStart.Length; i++)
            ChildStart[i] += ChildStart[i - 1];
        ChildIds = new int[n];
        var fill = new int[n + 1];
        Array.Copy(ChildStart, fill, n + 1);
        for (var i = 0; i < n; i++)
            ChildIds[fill[Slot(i)]++] = i;

        var rawStart = RawStart = new long[n];
        var rawEnd = RawEnd = new long[n];
        for (var i = 0; i < n; i++)
        {
            rawStart[i] = spans[i].Start.UtcTicks;
            // Saturating: a garbage duration (TimeSpan.MaxValue) must not wrap the end around to before the start.
            rawEnd[i] = rawStart[i] + Math.Clamp(spans[i].Duration.Ticks, 0, long.MaxValue - rawStart[i]);
        }
        var comparer = Comparer<int>.Create((a, b) =>
        {
            var byStart = rawStart[a].CompareTo(rawStart[b]);
            return byStart != 0 ? byStart : a.CompareTo(b);
        });
        for (var node = 0; node <= n; node++)
        {
            var length = ChildStart[node + 1] - ChildStart[node];
            if (length > 1)
                Array.Sort(ChildIds, ChildStart[node], length, comparer);
        }

        RootCount = ChildStart[n + 1] - ChildStart[n];
        for (var i = 0; i < n; i++)
        {
            if (IsOrphan[i])
                OrphanCount++;
        }

        // Top-down walk from the virtual root: depth, order, clamped intervals.
        Depth = new int[n + 1];
        TopDown = new int[n];
        Start = new long[n + 1];
        End = new long[n + 1];
        IsDetached = new bool[n];
        TimingChildStart = ChildStart;
        TimingChildIds = ChildIds;
        if (n == 0)
            return;

        Depth[n] = -1;
        var count = 0;
        var detached = 0;
        for (var k = ChildStart[n]; k < ChildStart[n + 1]; k++)
            TopDown[count++] = ChildIds[k];
        for (var head = 0; head < count; head++)
        {
            var node = TopDown[head];
            var p = Parent[node];
            Depth[node] = p < 0 ? 0 : Depth[p] + 1;
            if (p < 0 || rawEnd[node] - End[p] > End[p] - Start[p])
            {
                // A root, or a child outliving its parent by more than the parent's whole duration: that is no clock
                // skew but work the parent did not wait for (a message consumer, fire-and-forget). Timed on its own.
                Start[node] = rawStart[node];
                End[node] = rawEnd[node];
                if (p >= 0)
                {
                    IsDetached[node] = true;
                    detached++;
                }
            }
            else
            {
                var s = Math.Clamp(rawStart[node], Start[p], End[p]);
                Start[node] = s;
                End[node] = Math.Clamp(rawEnd[node], s, End[p]);
            }
            for (var k = ChildStart[node]; k < ChildStart[node + 1]; k++)
                TopDown[count++] = ChildIds[k];
        }

        if (detached > 0)
        {
            // Detached spans hang under the virtual root for timing; the waterfall and the error chain keep the real tree.
            TimingChildStart = new int[n + 2];
            for (var i = 0; i < n; i++)
                TimingChildStart[TimingSlot(i) + 1]++;
            for (var i = 1; i < TimingChildStart.Length; i++)
                TimingChildStart[i] += TimingChildStart[i - 1];
            TimingChildIds = new int[n];
            Array.Copy(TimingChildStart, fill, n + 1);
            for (var i = 0; i < n; i++)
                TimingChildIds[fill[TimingSlot(i)]++] = i;
        }

        long envelopeStart = long.MaxValue, envelopeEnd = long.MinValue;
        for (var k = TimingChildStart[n]; k < TimingChildStart[n + 1]; k++)
        {
            var top = TimingChildIds[k];
            envelopeStart = Math.Min(envelopeStart, Start[top]);
            envelopeEnd = Math.Max(envelopeEnd, End[top]);
        }
        Start[n] = envelopeStart;
        End[n] = envelopeEnd;
    }

    /// <summary>The parent's slot in the child arrays: the parent, or the virtual root for a root.</summary>
    public int Slot(int node) => Parent[node] < 0 ? Count : Parent[node];

    /// <summary>Like <see cref="Slot"/>, but a detached span hangs under the virtual root.</summary>
    private int TimingSlot(int node) => Parent[node] < 0 || IsDetached[node] ? Count : Parent[node];

    public ReadOnlySpan<int> Children(int node) => ChildIds.AsSpan(ChildStart[node], ChildStart[node + 1] - ChildStart[node]);

    public long Length(int node) => End[node] - Start[node];

    /// <summary>Parent pointers form a forest once every cycle is cut: walk each chain once, marking it.</summary>
    private void BreakCycles()
    {
        var n = Count;
        var state = new byte[n]; // 0 unseen, 1 on the current walk, 2 done
        var walk = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (state[i] != 0)
                continue;
            walk.Clear();
            var x = i;
            while (x >= 0 && state[x] == 0)
            {
                state[x] = 1;
                walk.Add(x);
                x = Parent[x];
            }
            if (x >= 0 && state[x] == 1)
                Parent[walk[^1]] = -1; // the last span of the walk points back into it: cut there
            foreach (var w in walk)
                state[w] = 2;
        }
    }
}
