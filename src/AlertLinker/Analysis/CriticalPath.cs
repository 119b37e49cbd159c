namespace AlertLinker.Analysis;

/// <summary>
/// The critical path, as Jaeger's UI computes it with one refinement: walk back from the end of a span; the child that
/// finished last before that moment (or is still running at it, then cut there) was being waited for, so the path goes
/// through it; then continue from that child's start. Time between children is the span's own. Overlapping children
/// are therefore never counted twice, and the self times along the path add up exactly to the trace duration.
/// </summary>
internal static class CriticalPath
{
    /// <summary>Per node (virtual root included), the time on the critical path spent in the node itself, in ticks.</summary>
    public static long[] SelfTimes(TraceIndex index)
    {
        var n = index.Count;
        var self = new long[n + 1];
        if (n == 0)
            return self;

        // Children of each node by clamped end, latest first; a cursor per node only moves forward, because the
        // moment we walk back from only moves earlier: each child is looked at once, so the walk is linear.
        var byEnd = (int[])index.TimingChildIds.Clone();
        var end = index.End;
        var start = index.Start;
        var latestFirst = Comparer<int>.Create((a, b) =>
        {
            var byEndDesc = end[b].CompareTo(end[a]);
            return byEndDesc != 0 ? byEndDesc : a.CompareTo(b);
        });
        for (var node = 0; node <= n; node++)
        {
            var length = index.TimingChildStart[node + 1] - index.TimingChildStart[node];
            if (length > 1)
                Array.Sort(byEnd, index.TimingChildStart[node], length, latestFirst);
        }
        var cursor = new int[n + 1];
        Array.Copy(index.TimingChildStart, cursor, n + 1);

        // Explicit stack: a 10 000-deep chain must not overflow the thread's stack.
        var stackNode = new int[n + 1];
        var stackTime = new long[n + 1];
        var top = 0;
        stackNode[0] = index.VirtualRoot;
        stackTime[0] = end[index.VirtualRoot];
        while (top >= 0)
        {
            var node = stackNode[top];
            var until = stackTime[top];
            var limit = index.TimingChildStart[node + 1];
            var next = -1;
            while (cursor[node] < limit)
            {
                // Latest end first: the first child that started before `until` is the one waited for. One that starts
                // at or after `until` can never matter again, because `until` only moves earlier.
                var child = byEnd[cursor[node]++];
                if (start[child] < until)
                {
                    next = child;
                    break;
                }
            }
            if (next >= 0)
            {
                var childUntil = Math.Min(end[next], until);
                self[node] += until - childUntil;
                stackTime[top] = start[next];
                top++;
                stackNode[top] = next;
                stackTime[top] = childUntil;
            }
            else
            {
                self[node] += Math.Max(0, until - start[node]);
                top--;
            }
        }
        return self;
    }
}
