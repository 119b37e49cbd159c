namespace AlertLinker.Actions;

/// <summary>
/// Durable memory of the alert groups whose messages carry action buttons. A button holds only the group's short
/// random <see cref="ActionGroup.Id"/>; the matchers, source and incident id are looked up here, so buttons keep
/// working across restarts and replicas and nothing edited in a payload can widen a silence.
/// </summary>
public interface IActionGroupStore
{
    /// <summary>
    /// Remembers the group as last rendered (creating its id the first time, keeping it after) and returns it,
    /// with the silence it carries, if any.
    /// </summary>
    Task<ActionGroup> RegisterAsync(AlertNotification notification, IReadOnlyDictionary<string, string> matchers, CancellationToken cancellationToken);

    Task<ActionGroup?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records the group's silence (null: none any more).</summary>
    Task SetSilenceAsync(string id, GroupSilence? silence, CancellationToken cancellationToken);

    /// <summary>
    /// True the first time <paramref name="key"/> is claimed, false for every later claim (Slack's retries, a replayed
    /// request): the action runs once.
    /// </summary>
    Task<bool> TryClaimAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <param name="Id">The short random id buttons carry.</param>
/// <param name="Notification">The group's notification as last rendered: source, group key (the incident id for PagerDuty and Opsgenie), alerts.</param>
/// <param name="Matchers">The labels a silence matches: the group's common labels, or the single alert's labels.</param>
public sealed record ActionGroup(string Id, AlertNotification Notification, IReadOnlyDictionary<string, string> Matchers, GroupSilence? Silence);

/// <summary>A silence created from Slack for a group, and where it lives (so that Unsilence asks the same Alertmanager).</summary>
public sealed record GroupSilence(string SilenceId, DateTimeOffset EndsAt, string CreatedBy, Uri ApiUrl);
