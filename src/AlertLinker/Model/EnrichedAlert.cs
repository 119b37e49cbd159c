
namespace AlertLinker.Model;

/// <summary>An alert with everything the pipeline found for it.</summary>
public sealed record EnrichedAlert(
    ResolvedAlert Resolved,
    IReadOnlyList<BackendSection> Backends,
    IReadOnlyList<RenderedRunbook> Runbooks)
{
    public Alert Alert => Resolved.Alert;

    /// <summary>Every exemplar of every backend, each trace id once with a link per backend that found it.</summary>
    public IReadOnlyList<FoundTrace> Traces => FoundTrace.Collect(Backends);

    /// <summary>The log links of each exemplar trace (<see cref="Traces"/>), in trace order; none when no log UI is configured.</summary>
    public IReadOnlyList<LogLink> LogLinks { get; init; } = [];
    /// <summary>The alert's expression drawn over its window: on one alert of a group (drawn once per notification), else null.</summary>
    public AlertGraph? Graph { get; init; }
}

/// <summary>A notification, each of its alerts enriched: the input of a sink.</summary>
public sealed record EnrichedNotification(AlertNotification Notification, IReadOnlyList<EnrichedAlert> Alerts);
