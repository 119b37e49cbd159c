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

    /// <summary>
    /// Attribute values the slow or failing traces of the search share and the others do not, strongest first; empty
    /// when nothing stands out or the backend's search carries no attributes.
    /// </summary>
    public IReadOnlyList<SharedAttribute> Patterns { get; init; } = [];

    /// <summary>Why the search found nothing, where the backend could tell (its service list); null otherwise.</summary>
    public SearchGap? Gap { get; init; }
}

/// <summary>
/// The exemplars a search picked, and the profiles of every trace the search saw (picked or not): what the comparison
/// of slow or failing traces with the others reads. Backends whose searches carry attributes return this from
/// <see cref="ITraceBackend.FindExemplarsAsync"/>; for everyone else it is just the list.
/// </summary>
public sealed class ExemplarList(IReadOnlyList<TraceSummary> exemplars, IReadOnlyList<TraceProfile> profiles) : IReadOnlyList<TraceSummary>
{
    public IReadOnlyList<TraceProfile> Profiles => profiles;

    public TraceSummary this[int index] => exemplars[index];

    public int Count => exemplars.Count;

    public IEnumerator<TraceSummary> GetEnumerator() => exemplars.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
