
namespace AlertLinker.Model;

/// <summary>An alert with everything the pipeline found for it.</summary>
public sealed record EnrichedAlert(
    ResolvedAlert Resolved,
    IReadOnlyList<BackendSection> Backends,
    IReadOnlyList<RenderedRunbook> Runbooks)
{
    public Alert Alert => Resolved.Alert;
}

/// <summary>A notification, each of its alerts enriched: the input of a sink.</summary>
public sealed record EnrichedNotification(AlertNotification Notification, IReadOnlyList<EnrichedAlert> Alerts);
