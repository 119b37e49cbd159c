using System.Globalization;

namespace AlertLinker.Model;

/// <summary>What the analysis of one trace found; each finding says itself in one line for a human.</summary>
public abstract record Finding
{
    /// <summary>One line, plain text (the Slack layer escapes it).</summary>
    public abstract string Summary { get; }
}

/// <summary>
/// The span where the time went: the one that spends the most time itself (not in its children) on the critical path.
/// </summary>
/// <param name="SelfTime">Time on the critical path spent in this span itself, children excluded.</param>
/// <param name="TraceDuration">From the first root's start to the last end of a root or of asynchronous work.</param>
public sealed record CulpritFinding(Span Span, TimeSpan SelfTime, TimeSpan TraceDuration) : Finding
{
    /// <summary><see cref="SelfTime"/> as a fraction (0…1) of <see cref="TraceDuration"/>.</summary>
    public double Share => TraceDuration > TimeSpan.Zero ? Math.Clamp(SelfTime / TraceDuration, 0, 1) : 0;

    /// <summary>Whole percent, rounded down so that the message never overstates.</summary>
    public int SharePercent => (int)Math.Floor(Share * 100 + 1e-9);

    // "SELECT stock (inventory-service) — 788 ms, 98 % of 800 ms"; a span with children also says its full duration.
    public override string Summary =>
        SelfTime >= Span.Duration
            ? $"{AnalysisText.SpanName(Span)} — {AnalysisText.Duration(SelfTime)}, {SharePercent} % of {AnalysisText.Duration(TraceDuration)}"
            : $"{AnalysisText.SpanName(Span)} — {AnalysisText.Duration(SelfTime)} itself (of {AnalysisText.Duration(Span.Duration)}), {SharePercent} % of {AnalysisText.Duration(TraceDuration)}";
}

/// <summary>
/// The likely origin of a failure: the deepest errored span of an error chain (errored spans nested in each other),
/// preferring a chain that reaches a root, i.e. an error that failed the request.
/// </summary>
/// <param name="HttpStatus">From <c>http.response.status_code</c> or <c>http.status_code</c>.</param>
/// <param name="GrpcStatus">From <c>rpc.grpc.status_code</c>.</param>
/// <param name="ErrorType">From <c>error.type</c> or <c>exception.type</c>.</param>
/// <param name="Message">From <c>exception.message</c> or the span's status message.</param>
/// <param name="Peer">Whom the span talked to: <c>peer.service</c>, <c>db.system</c> + <c>db.name</c>, <c>messaging.destination.name</c>, <c>server.address</c>, <c>net.peer.name</c>.</param>
/// <param name="ChainLength">Errored spans from the top of the chain down to this one (1 = only this span errored).</param>
/// <param name="ErroredSpans">Errored spans in the whole trace.</param>
public sealed record ErrorOriginFinding(
    Span Span,
    int? HttpStatus,
    int? GrpcStatus,
    string? ErrorType,
    string? Message,
    string? Peer,
    int ChainLength,
    int ErroredSpans) : Finding
{
    /// <summary>"HTTP 503", "gRPC 14 UNAVAILABLE" or the error type; null when the span says none of these.</summary>
    public string? Code =>
        HttpStatus is { } http ? $"HTTP {http.ToString(CultureInfo.InvariantCulture)}"
        : GrpcStatus is { } grpc ? $"gRPC {AnalysisText.GrpcStatus(grpc)}"
        : ErrorType;

    // "inventory-service GET /stock (inventory-service) failed — HTTP 503, peer postgresql inventory: timeout (3 errored spans)"
    public override string Summary
    {
        get
        {
            var details = new List<string>(4);
            if (Code is { } code)
                details.Add(code);
            if (ErrorType is { } type && type != Code)
                details.Add(type);
            if (Peer is { } peer)
                details.Add($"peer {peer}");
            var text = $"{AnalysisText.SpanName(Span)} failed";
            if (details.Count > 0)
                text += " — " + string.Join(", ", details);
            if (!string.IsNullOrWhiteSpace(Message))
                text += $": {AnalysisText.OneLine(Message, 120)}";
            return ErroredSpans > 1 ? $"{text} ({ErroredSpans} errored spans)" : text;
        }
    }
}

/// <summary>
/// Many sibling spans under one parent doing the same thing (same normalized <c>db.statement</c>, or same normalized
/// operation): an N+1 query or a chatty loop.
/// </summary>
/// <param name="Parent">The span that issued them.</param>
/// <param name="Service">The siblings' service.</param>
/// <param name="Label">The normalized statement (literals as <c>?</c>) or operation they share.</param>
/// <param name="Total">Sum of their durations.</param>
/// <param name="WallTime">Time during which at least one of them ran: close to <see cref="Total"/> when they ran one after another.</param>
/// <param name="FirstSpan">The earliest of them, as an example to open.</param>
public sealed record FanOutFinding(
    Span Parent,
    string Service,
    string Label,
    int Count,
    TimeSpan Total,
    TimeSpan WallTime,
    bool IsStatement,
    Span FirstSpan) : Finding
{
    // "200 × SELECT price FROM prices WHERE id = ? from product-service, 860 ms total"
    public override string Summary =>
        $"{Count.ToString(CultureInfo.InvariantCulture)} × {AnalysisText.OneLine(Label, 160)} from {Service}, {AnalysisText.Duration(Total)} total";
}

/// <summary>Everything the analysis says about one trace.</summary>
/// <param name="Duration">From the first root's start to the last end of a root or of asynchronous work (children clamped into parents for skew).</param>
/// <param name="Roots">Spans without a parent in the trace, orphans included.</param>
/// <param name="Orphans">Spans whose parent id is not in the trace (dropped by sampling, or still in flight); analysed as roots.</param>
/// <param name="Waterfall">A small text tree for a monospace block: bounded by the options' lines and width.</param>
public sealed record TraceInsights(
    string TraceId,
    int SpanCount,
    TimeSpan Duration,
    int Roots,
    int Orphans,
    CulpritFinding? Culprit,
    ErrorOriginFinding? ErrorOrigin,
    IReadOnlyList<FanOutFinding> FanOuts,
    string Waterfall)
{
    /// <summary>
    /// The findings in the order a message should show them: culprit, error origin, fan-outs; but a fan-out whose
    /// spans together took longer than the culprit's own time comes first, because 200 × 4 ms is the real story then.
    /// </summary>
    public IEnumerable<Finding> Findings
    {
        get
        {
            var culpritTime = Culprit?.SelfTime ?? TimeSpan.Zero;
            foreach (var fanOut in FanOuts)
            {
                if (fanOut.Total > culpritTime)
                    yield return fanOut;
            }
            if (Culprit is not null)
                yield return Culprit;
            if (ErrorOrigin is not null)
                yield return ErrorOrigin;
            foreach (var fanOut in FanOuts)
            {
                if (fanOut.Total <= culpritTime)
                    yield return fanOut;
            }
        }
    }
}
