using System.Globalization;

namespace AlertLinker.Model;

/// <summary>
/// What one webhook delivery carried: a group of alerts that share a group key
/// (Alertmanager groupKey, PagerDuty incident id, Opsgenie alert id). One notification becomes one Slack message.
/// </summary>
public sealed record AlertNotification
{
    /// <summary>Source name: alertmanager, grafana, pagerduty, opsgenie.</summary>
    public required string Source { get; init; }

    /// <summary>Groups notifications of the same alert group; later notifications update the same Slack message.</summary>
    public required string GroupKey { get; init; }

    public required AlertStatus Status { get; init; }

    public required IReadOnlyList<Alert> Alerts { get; init; }

    /// <summary>Alerts the source left out of the payload (Alertmanager max_alerts).</summary>
    public int TruncatedAlerts { get; init; }

    public IReadOnlyDictionary<string, string> CommonLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>The sender's own UI (Alertmanager externalURL).</summary>
    public string? ExternalUrl { get; init; }

    public string? Receiver { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// State change (the default: create or update the alert's message) or a note for the alert's thread
    /// (PagerDuty incident.annotated, Opsgenie AddNote). A note's <see cref="Status"/> is the source's last word
    /// on the alert when it said one, else Firing: a note must never change the message's state.
    /// </summary>
    public NotificationKind Kind { get; init; } = NotificationKind.StateChange;

    /// <summary>The text of a <see cref="NotificationKind.Note"/> (untrusted: escape before rendering).</summary>
    public string? Note { get; init; }

    /// <summary>The source's own name for what happened (incident.acknowledged, AddNote); null for Alertmanager.</summary>
    public string? Event { get; init; }

    /// <summary>
    /// The source's identity of this delivery when it has one that is stable across retries
    /// (PagerDuty event.id, Opsgenie action + updatedAt). Dedupe then keys on it: two acknowledgements
    /// of the same incident are two events, one retried three times is one.
    /// </summary>
    public string? DeliveryId { get; init; }

    /// <summary>
    /// One key per alert that identifies a repeated delivery of the same state:
    /// retries and HA peers send the same group key, fingerprint, status and start.
    /// </summary>
    public IEnumerable<string> DedupeKeys() =>
        DeliveryId is not null
            ? Alerts.Select(alert => string.Join('|', Source, "delivery", DeliveryId, alert.Fingerprint))
            : Alerts.Select(alert => string.Join('|',
            Source,
            GroupKey,
            alert.Fingerprint,
            alert.Status.ToString(),
            alert.StartsAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
}

/// <summary>What a notification asks of the Slack side.</summary>
public enum NotificationKind
{
    /// <summary>Post the alert's message, or update it to the new state.</summary>
    StateChange,

    /// <summary>Reply in the alert's thread with <see cref="AlertNotification.Note"/>; leave the message as it is.</summary>
    Note,
}
