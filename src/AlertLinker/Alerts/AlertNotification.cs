using System.Globalization;

namespace AlertLinker.Alerts;

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
    /// One key per alert that identifies a repeated delivery of the same state:
    /// retries and HA peers send the same group key, fingerprint, status and start.
    /// </summary>
    public IEnumerable<string> DedupeKeys() =>
        Alerts.Select(alert => string.Join('|',
            Source,
            GroupKey,
            alert.Fingerprint,
            alert.Status.ToString(),
            alert.StartsAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
}
