using System.Globalization;

namespace AlertLinker.Model;

/// <summary>What the analysis of one trace found; each finding says itself in one line for a human.</summary>
public abstract record Finding
{
    /// <summary>One line, plain text (the Slack layer escapes it).</summary>
    public abstract string Summary { get; }

    /// <summary>The finding's share (0…1) of the trace's duration: the critical-path time it accounts for.</summary>
    public abstract double Share { get; }

    /// <summary>Whole percent, rounded down so that the message never overstates.</summary>
    public int SharePercent => (int)Math.Floor(Share * 100 + 1e-9);

    /// <summary>A part of a duration as a fraction (0…1); zero of nothing is nothing.</summary>
    protected static double Fraction(TimeSpan part, TimeSpan whole) =>
        whole > TimeSpan.Zero ? Math.Clamp(part / whole, 0, 1) : 0;
}

/// <summary>
/// The span where the time went: the one that spends the most time itself (not in its children) on the critical path.
/// </summary>
/// <param name="SelfTime">Time on the critical path spent in this span itself, children excluded.</param>
/// <param name="TraceDuration">From the first root's start to the last end of a root or of asynchronous work.</param>
public sealed record CulpritFinding(Span Span, TimeSpan SelfTime, TimeSpan TraceDuration) : Finding
{
    /// <summary><see cref="SelfTime"/> as a fraction (0…1) of <see cref="TraceDuration"/>.</summary>
    public override double Share => Fraction(SelfTime, TraceDuration);

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
/// <param name="TimeOnPath">Critical-path time spent in the failing span and below it: how much of the request it held up.</param>
/// <param name="TraceDuration">The whole trace's duration.</param>
public sealed record ErrorOriginFinding(
    Span Span,
    int? HttpStatus,
    int? GrpcStatus,
    string? ErrorType,
    string? Message,
    string? Peer,
    int ChainLength,
    int ErroredSpans,
    TimeSpan TimeOnPath = default,
    TimeSpan TraceDuration = default) : Finding
{
    public override double Share => Fraction(TimeOnPath, TraceDuration);

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
/// Many spans of one class doing the same thing (one service, the same normalized <c>db.statement</c> or operation,
/// under the same parent): an N+1 query, a chatty loop or a fan-out of calls to one peer.
/// </summary>
/// <param name="Parent">The span that issued them (the first one's parent); null when they are roots themselves.</param>
/// <param name="Service">The siblings' service.</param>
/// <param name="Label">The normalized statement (literals as <c>?</c>) or operation they share.</param>
/// <param name="Total">Sum of their durations.</param>
/// <param name="WallTime">Time during which at least one of them ran: close to <see cref="Total"/> when they ran one after another.</param>
/// <param name="FirstSpan">The earliest of them, as an example to open.</param>
/// <param name="TimeOnPath">Critical-path time they account for, what they called included: what the request waited for them.</param>
/// <param name="TraceDuration">The whole trace's duration.</param>
/// <param name="Peer">Whom they talked to (<c>peer.service</c>, the database, the called service), when the spans say.</param>
public sealed record FanOutFinding(
    Span? Parent,
    string Service,
    string Label,
    int Count,
    TimeSpan Total,
    TimeSpan WallTime,
    bool IsStatement,
    Span FirstSpan,
    TimeSpan TimeOnPath = default,
    TimeSpan TraceDuration = default,
    string? Peer = null) : Finding
{
    public override double Share => Fraction(TimeOnPath, TraceDuration);

    // In parallel, their durations add up to more than the request waited: worth saying, otherwise it repeats itself.
    private string InAll => Total.Ticks > TimeOnPath.Ticks + TimeOnPath.Ticks / 10 ? $" ({AnalysisText.Duration(Total)} in all)" : "";

    // "30 × SELECT price FROM items WHERE id = ? to postgresql inventory — 750 ms, 92 % of the request, from
    // inventory-service GET /stock" (the fan-out of the issue reads "12 × POST /v1/charge to payments-api — …").
    public override string Summary
    {
        get
        {
            var whom = Peer is { } peer && !string.Equals(peer, Service, StringComparison.Ordinal)
                ? $" to {AnalysisText.OneLine(peer, 80)}"
                : $" ({AnalysisText.OneLine(Service, 80)})";
            var from = Parent is null ? "" : $", from {AnalysisText.OneLine(Parent.Service, 80)} {AnalysisText.OneLine(Parent.Operation, 120)}".TrimEnd();
            return $"{Count.ToString(CultureInfo.InvariantCulture)} × {AnalysisText.OneLine(Label, 160)}{whom} — "
                + $"{AnalysisText.Duration(TimeOnPath)}, {SharePercent} % of the request{InAll}{from}";
        }
    }
}

/// <summary>
/// Whether several analysed exemplars blame the same thing: their headlines grouped by what they name (service and
/// normalized operation or statement, single span or fan-out), the most common first.
/// </summary>
/// <param name="Traces">How many traces were compared (those without a headline included).</param>
/// <param name="Causes">Each different cause once, with how many traces it heads; most traces first.</param>
public sealed record ExemplarAgreement(int Traces, IReadOnlyList<SharedCause> Causes)
{
    /// <summary>True when every compared trace has the same headline (and there are at least two).</summary>
    public bool Agree => Traces >= 2 && Causes.Count == 1 && Causes[0].Traces == Traces;

    /// <summary>"the same in 3 of 3 slow traces", "the same in 2 of 3 slow traces", "3 different causes in 3 slow traces".</summary>
    public string Describe(string traces = "traces")
    {
        if (Causes.Count == 0)
            return Traces == 1 ? "no cause found in the trace" : $"no cause found in {Traces.ToString(CultureInfo.InvariantCulture)} {traces}";
        var top = Causes[0].Traces;
        return top > 1 || Causes.Count == 1
            ? $"the same in {top.ToString(CultureInfo.InvariantCulture)} of {Traces.ToString(CultureInfo.InvariantCulture)} {traces}"
            : $"{Causes.Count.ToString(CultureInfo.InvariantCulture)} different causes in {Traces.ToString(CultureInfo.InvariantCulture)} {traces}";
    }
}

/// <param name="Headline">The headline of the first trace (in the order given) that names this cause.</param>
/// <param name="TraceIdList">The traces it heads, in the order given.</param>
public sealed record SharedCause(Finding Headline, IReadOnlyList<string> TraceIdList)
{
    public int Traces => TraceIdList.Count;
}

/// <summary>Everything the analysis says about one trace.</summary>
/// <param name="Duration">From the first root's start to the last end of a root or of asynchronous work (children clamped into parents for skew).</param>
/// <param name="Roots">Spans without a parent in the trace, orphans included.</param>
/// <param name="Orphans">Spans whose parent id is not in the trace (dropped by sampling, or still in flight); analysed as roots.</param>
/// <param name="Culprit">The single span with the most time of its own on the critical path (it may be one of a fan-out).</param>
/// <param name="Waterfall">A small text tree for a monospace block: bounded by the options' lines and width; "← here" marks the headline.</param>
/// <param name="Headline">
/// Where the time went: the class of spans (one service, the same normalized operation or statement, under the same
/// parent) with the largest share of the critical path. A class of one is a <see cref="CulpritFinding"/>, a larger
/// one a <see cref="FanOutFinding"/>; null when the trace took no time.
/// </param>
public sealed record TraceInsights(
    string TraceId,
    int SpanCount,
    TimeSpan Duration,
    int Roots,
    int Orphans,
    CulpritFinding? Culprit,
    ErrorOriginFinding? ErrorOrigin,
    IReadOnlyList<FanOutFinding> FanOuts,
    string Waterfall,
    Finding? Headline = null)
{
    /// <summary>A span that is not the headline is still worth a line when it holds at least this much of the trace.</summary>
    public const double SecondCulpritShare = 0.25;

    /// <summary>
    /// The findings in the order a message should show them: the headline first, then the error origin, the other
    /// fan-outs, and the single slowest span only when it is the headline or holds a quarter of the trace on its own
    /// (a 40 ms parent of a 750 ms N+1 is not where the time went, and saying "here" of it misleads).
    /// </summary>
    public IEnumerable<Finding> Findings
    {
        get
        {
            if (Headline is not null)
                yield return Headline;
            if (ErrorOrigin is not null)
                yield return ErrorOrigin;
            foreach (var fanOut in FanOuts)
            {
                if (!SameFanOut(fanOut, Headline))
                    yield return fanOut;
            }
            if (Culprit is not null && !ReferenceEquals(Culprit, Headline) && (Headline is null || Culprit.Share >= SecondCulpritShare && !CulpritInHeadline))
                yield return Culprit;
            foreach (var more in MoreFindings)
                yield return more;
        }
    }

    /// <summary>True when the culprit span's time is part of the headline (it is one of the fan-out's spans or below them).</summary>
    public bool CulpritInHeadline { get; init; }

    /// <summary>Where the trace starts or ends at a queue or a job instead of at the request that caused it.</summary>
    public IReadOnlyList<BrokenContextFinding> BrokenContext { get; init; } = [];

    /// <summary>Failed calls that were repeated, the costliest first.</summary>
    public IReadOnlyList<RetryFinding> Retries { get; init; } = [];

    /// <summary>Cache look-ups that mostly missed, or null.</summary>
    public CacheMissFinding? CacheMisses { get; init; }

    /// <summary>The findings beyond where the time and the error went: retries, cache misses, broken context, in that order.</summary>
    public IEnumerable<Finding> MoreFindings
    {
        get
        {
            foreach (var retry in Retries)
                yield return retry;
            if (CacheMisses is not null)
                yield return CacheMisses;
            foreach (var broken in BrokenContext)
                yield return broken;
        }
    }

    private static bool SameFanOut(FanOutFinding fanOut, Finding? headline) =>
        headline is FanOutFinding other && ReferenceEquals(fanOut.FirstSpan, other.FirstSpan);
}

/// <summary>Where a trace's context broke: what kind of boundary the trace starts or ends at.</summary>
public enum ContextBreak
{
    /// <summary>The root is a consumer span without a parent: the trace starts at the queue.</summary>
    ConsumerRoot,
    /// <summary>A producer span with no consumer in its trace: the trace ends at the queue.</summary>
    ProducerWithoutConsumer,
    /// <summary>The root is a background job or cron run: the trace starts fresh at the job.</summary>
    JobRoot,
}

/// <summary>
/// A trace that starts or ends at a queue or a background job instead of at the request that caused the work: the
/// trace context did not travel with the message or the job, so the part of the story on the other side is missing.
/// </summary>
/// <param name="Span">The consumer or job root, or the producer without a consumer.</param>
/// <param name="Destination">The queue or topic (<c>messaging.destination.name</c>), or the job's name for a job root.</param>
/// <param name="System">The messaging system (<c>messaging.system</c>: kafka, rabbitmq…), when the span says.</param>
/// <param name="Breaks">Spans in the trace that break the same way (a batch consumer can start many roots).</param>
public sealed record BrokenContextFinding(Span Span, ContextBreak Break, string? Destination, string? System, int Breaks, TimeSpan TraceDuration) : Finding
{
    public override double Share => Fraction(Span.Duration, TraceDuration);

    private string Queue => (Destination, System) switch
    {
        ({ } d, { } s) => $"the queue {AnalysisText.OneLine(d, 120)} ({AnalysisText.OneLine(s, 40)})",
        ({ } d, null) => $"the queue {AnalysisText.OneLine(d, 120)}",
        (null, { } s) => $"a {AnalysisText.OneLine(s, 40)} queue",
        _ => "a queue",
    };

    private string More => Breaks > 1 ? $" ({Breaks.ToString(CultureInfo.InvariantCulture)} such spans)" : "";

    // "The trace starts at the queue orders (kafka): process orders (billing) has no parent; the producer's trace
    // context has to travel in the message attributes (headers)"
    public override string Summary => Break switch
    {
        ContextBreak.ConsumerRoot =>
            $"broken context: the trace starts at {Queue}: {AnalysisText.SpanName(Span)} has no parent{More}; the producer's trace context has to travel in the message attributes (headers)",
        ContextBreak.ProducerWithoutConsumer =>
            $"broken context: the trace ends at {Queue}: {AnalysisText.SpanName(Span)} has no consumer in this trace{More}; the consumer has to take the trace context from the message attributes (headers)",
        _ =>
            $"broken context: the trace starts fresh at the background job {AnalysisText.SpanName(Span)} at {Span.Start.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC{More}; whatever scheduled or enqueued it is not in this trace: pass the trace context with the job (its arguments or metadata)",
    };
}

/// <summary>
/// Repeated sibling calls to the same operation and peer where failed attempts are followed by more attempts: a
/// caller retrying a failing dependency, which multiplies the load on it.
/// </summary>
/// <param name="First">The first attempt.</param>
/// <param name="Label">What was called: the operation, and the peer when the operation does not name it.</param>
/// <param name="Attempts">How many sibling calls there were.</param>
/// <param name="Failed">How many of them failed.</param>
/// <param name="FailedFirst">True when exactly the first <paramref name="Failed"/> attempts failed (the last ones succeeded).</param>
/// <param name="Code">The failed attempts' common code ("503", "gRPC 14 UNAVAILABLE") when they share one.</param>
/// <param name="TimeOnPath">Critical-path time the attempts account for.</param>
public sealed record RetryFinding(Span First, string Label, int Attempts, int Failed, bool FailedFirst, string? Code, TimeSpan TimeOnPath, TimeSpan TraceDuration) : Finding
{
    public override double Share => Fraction(TimeOnPath, TraceDuration);

    /// <summary>How many callers ran the same cascade (one per message of a batch, say); the attempts are the first one's.</summary>
    public int Callers { get; init; } = 1;

    // "3 attempts of POST payment-gateway, the first 2 failed with 503 — 900 ms, 60 % of the trace"
    public override string Summary
    {
        get
        {
            var attempts = Attempts.ToString(CultureInfo.InvariantCulture);
            var failed = Failed.ToString(CultureInfo.InvariantCulture);
            var how = Failed == Attempts ? $"all {failed} failed"
                : FailedFirst ? (Failed == 1 ? "the first failed" : $"the first {failed} failed")
                : $"{failed} failed";
            if (Code is { } code)
                how += $" with {code}";
            if (Callers > 1)
                how += $", under {Callers.ToString(CultureInfo.InvariantCulture)} callers";
            return $"retries: {attempts} attempts of {AnalysisText.OneLine(Label, 160)} ({AnalysisText.OneLine(First.Service, 80)}), {how} — "
                + $"{AnalysisText.Duration(TimeOnPath)}, {SharePercent} % of the trace";
        }
    }
}

/// <summary>Cache look-ups of a trace that mostly missed: misses show up as latency spikes.</summary>
/// <param name="System">redis, memcached, or "cache" when only a hit attribute tells.</param>
/// <param name="Lookups">Cache spans that say whether they hit.</param>
/// <param name="Misses">Of those, the ones that missed.</param>
/// <param name="MissTime">The missed look-ups' own time (what the fallback after a miss cost is the caller's, and not known).</param>
public sealed record CacheMissFinding(Span First, string System, int Lookups, int Misses, TimeSpan MissTime, TimeSpan TraceDuration) : Finding
{
    public override double Share => Fraction(MissTime, TraceDuration);

    public override string Summary =>
        $"cache misses: {Misses.ToString(CultureInfo.InvariantCulture)} of {Lookups.ToString(CultureInfo.InvariantCulture)} {AnalysisText.OneLine(System, 40)} look-ups missed ({AnalysisText.OneLine(First.Service, 80)}); high miss rates show up as latency spikes";
}

/// <summary>
/// An attribute value the slow or failing traces of the window share and the others do not:
/// "tenant.id = acme in 4 of 4 slow traces, 1 of 8 others".
/// </summary>
/// <param name="Outliers">How many slow or failing traces were compared; <paramref name="InOutliers"/> of them carry the value.</param>
/// <param name="Others">How many other traces were compared; <paramref name="InOthers"/> of them carry the value.</param>
/// <param name="OutlierWord">"slow", "failing" or "slow or failing": what the outliers are.</param>
public sealed record SharedAttribute(string Key, string Value, int InOutliers, int Outliers, int InOthers, int Others, string OutlierWord)
{
    /// <summary>How much more common the value is among the outliers than among the others (0…1).</summary>
    public double Contrast => (double)InOutliers / Math.Max(1, Outliers) - (double)InOthers / Math.Max(1, Others);

    public string Summary =>
        $"{Key} = {AnalysisText.OneLine(Value, 120)} in {InOutliers.ToString(CultureInfo.InvariantCulture)} of {Outliers.ToString(CultureInfo.InvariantCulture)} {OutlierWord} traces, "
        + $"{InOthers.ToString(CultureInfo.InvariantCulture)} of {Others.ToString(CultureInfo.InvariantCulture)} others";
}

/// <summary>
/// What one trace of a search carried on the compared attributes (the configured business keys): the input of the
/// comparison of slow or failing traces with the others. Each key holds the trace's distinct values, bounded.
/// </summary>
public sealed record TraceProfile(string TraceId, TimeSpan? Duration, bool Error, IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes);

/// <summary>
/// Why a search found nothing, as far as the backend could tell: whether it knows the service at all, and if not,
/// the closest names it knows and the alias line that would map the alert's service to the first of them.
/// </summary>
/// <param name="ServiceKnown">False when the backend's service list lacks the service; null when it could not say.</param>
/// <param name="Suggestions">Known names closest to the alert's service, closest first (at most 3).</param>
/// <param name="AliasLine">The <c>AlertLinker:Services:Aliases</c> entry that maps the alert's label value to the first suggestion.</param>
/// <param name="Text">The explanation in one line.</param>
public sealed record SearchGap(bool? ServiceKnown, IReadOnlyList<string> Suggestions, string? AliasLine, string Text);
