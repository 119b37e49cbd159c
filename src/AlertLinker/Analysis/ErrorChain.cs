using System.Globalization;
using AlertLinker.Backends;

namespace AlertLinker.Analysis;

/// <summary>
/// Where a failure started. Errors propagate upwards (a failed query fails the handler that fails the request), so the
/// origin is an errored span with no errored child. Among those, one whose chain of errored ancestors reaches a root
/// (the request failed because of it) wins over one that was handled, then the deepest, then the earliest.
/// </summary>
internal static class ErrorChain
{
    public static bool[] Errored(TraceIndex index)
    {
        var errored = new bool[index.Count];
        for (var i = 0; i < index.Count; i++)
            errored[i] = IsErrored(index.Spans[i]);
        return errored;
    }

    /// <summary>The span's status first; when the parser left it unset, the conventional error tags.</summary>
    public static bool IsErrored(Span span) => span.Status switch
    {
        SpanStatus.Error => true,
        SpanStatus.Ok => false,
        _ => span.Attribute("error") is { } error && !error.Equals("false", StringComparison.OrdinalIgnoreCase) // Zipkin: any value, even ""
             || string.Equals(span.Attribute("otel.status_code"), "ERROR", StringComparison.OrdinalIgnoreCase)
             || HttpStatus(span) >= 500,
    };

    /// <returns>The origin's span index (-1 when nothing failed) and the finding.</returns>
    public static (int Index, ErrorOriginFinding? Finding) FindOrigin(TraceIndex index, bool[] errored)
    {
        var n = index.Count;
        var erroredCount = 0;
        var hasErroredChild = new bool[n];
        for (var i = 0; i < n; i++)
        {
            if (!errored[i])
                continue;
            erroredCount++;
            if (index.Parent[i] >= 0)
                hasErroredChild[index.Parent[i]] = true;
        }
        if (erroredCount == 0)
            return (-1, null);

        // Parents before children, so each chain length and "reaches a root" is known from the parent's.
        var chain = new int[n];
        var reachesRoot = new bool[n];
        var best = -1;
        foreach (var i in index.TopDown)
        {
            if (!errored[i])
                continue;
            var p = index.Parent[i];
            chain[i] = p >= 0 && errored[p] ? chain[p] + 1 : 1;
            reachesRoot[i] = p < 0 || errored[p] && reachesRoot[p];
            if (!hasErroredChild[i] && (best < 0 || Better(index, i, best, reachesRoot)))
                best = i;
        }

        var span = index.Spans[best];
        return (best, new ErrorOriginFinding(
            span,
            HttpStatus(span),
            Int(span.Attribute("rpc.grpc.status_code")),
            NonEmpty(span.Attribute("error.type")) ?? NonEmpty(span.Attribute("exception.type")),
            NonEmpty(span.Attribute("exception.message")) ?? NonEmpty(span.StatusMessage) ?? ErrorTagMessage(span),
            Peer(span),
            chain[best],
            erroredCount));
    }

    private static bool Better(TraceIndex index, int candidate, int best, bool[] reachesRoot)
    {
        if (reachesRoot[candidate] != reachesRoot[best])
            return reachesRoot[candidate];
        if (index.Depth[candidate] != index.Depth[best])
            return index.Depth[candidate] > index.Depth[best];
        return index.Spans[candidate].Start < index.Spans[best].Start;
    }

    /// <summary>Whom the span talked to, most specific first.</summary>
    public static string? Peer(Span span)
    {
        if (NonEmpty(span.Attribute("peer.service")) is { } peer)
            return peer;
        if (NonEmpty(span.Attribute("db.system")) is { } db)
            return (NonEmpty(span.Attribute("db.name")) ?? NonEmpty(span.Attribute("db.namespace"))) is { } name ? $"{db} {name}" : db;
        if (NonEmpty(span.Attribute("messaging.destination.name")) is { } destination)
            return NonEmpty(span.Attribute("messaging.system")) is { } system ? $"{system} {destination}" : destination;
        if (NonEmpty(span.Attribute("server.address")) is { } server)
            return NonEmpty(span.Attribute("server.port")) is { } port ? $"{server}:{port}" : server;
        return NonEmpty(span.Attribute("net.peer.name"));
    }

    private static int? HttpStatus(Span span) =>
        Int(span.Attribute("http.response.status_code")) ?? Int(span.Attribute("http.status_code"));

    // Zipkin and OpenTracing put the message in the "error" tag; "true" says only that it failed.
    private static string? ErrorTagMessage(Span span) =>
        NonEmpty(span.Attribute("error")) is { } error && !bool.TryParse(error, out _) ? error : null;

    private static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result) ? result : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
