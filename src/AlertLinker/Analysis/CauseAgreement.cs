namespace AlertLinker.Analysis;

/// <summary>
/// Whether several analysed exemplars blame the same thing. Two headlines name the same cause when they are of the
/// same kind (one span, or a fan-out) in the same service with the same normalized statement or operation: literals,
/// ids, counts and durations differ between traces, the cause does not.
/// </summary>
public static class CauseAgreement
{
    /// <param name="traces">The analysed exemplars, most telling first (the slowest, say): each cause keeps the headline
    /// of the first trace that names it, and causes heading as many traces keep that order.</param>
    public static ExemplarAgreement Compare(IReadOnlyList<TraceInsights> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var causes = new List<(Finding Headline, List<string> TraceIdList)>();
        var byKey = new Dictionary<(bool FanOut, string Service, string Label), int>();
        foreach (var trace in traces)
        {
            if (Key(trace.Headline) is not { } key)
                continue;
            if (!byKey.TryGetValue(key, out var at))
            {
                byKey[key] = at = causes.Count;
                causes.Add((trace.Headline!, []));
            }
            causes[at].TraceIdList.Add(trace.TraceId);
        }
        // Stable: equal counts keep the order of their first trace.
        var ordered = causes
            .Select((cause, position) => (cause, position))
            .OrderByDescending(c => c.cause.TraceIdList.Count)
            .ThenBy(c => c.position)
            .Select(c => new SharedCause(c.cause.Headline, c.cause.TraceIdList))
            .ToList();
        return new ExemplarAgreement(traces.Count, ordered);
    }

    private static (bool FanOut, string Service, string Label)? Key(Finding? headline) => headline switch
    {
        FanOutFinding fanOut => (true, fanOut.Service, fanOut.Label),
        CulpritFinding culprit => (false, culprit.Span.Service, StatementNormalizer.Normalize(
            culprit.Span.Attribute("db.statement") is { Length: > 0 } statement ? statement
            : culprit.Span.Attribute("db.query.text") is { Length: > 0 } text ? text
            : culprit.Span.Operation)),
        _ => null,
    };
}
