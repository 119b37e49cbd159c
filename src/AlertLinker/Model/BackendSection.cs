namespace AlertLinker.Model;

public enum BackendOutcome
{
    /// <summary>Exemplars were found.</summary>
    Found,
    /// <summary>The search ran and found nothing (sampling, retention, or no exemplar storage).</summary>
    NothingFound,
    /// <summary>Links only: the alert had no service, or the backend has no search.</summary>
    LinksOnly,
    Failed,
    TimedOut,
}

/// <summary>What one backend contributed to one alert: its links, its exemplars, and what went wrong if anything.</summary>
public sealed record BackendSection(
    string Backend,
    string Type,
    IReadOnlyList<BackendLink> Links,
    IReadOnlyList<TraceSummary> Exemplars,
    BackendOutcome Outcome,
    string? Note)
{
    /// <summary>
    /// The slowest and the first errored exemplar, fetched whole and analysed (where the backend serves full traces).
    /// A trace several backends found is fetched and analysed once: their sections share the same insights.
    /// </summary>
    public IReadOnlyList<AnalyzedTrace> Analyses { get; init; } = [];
}
