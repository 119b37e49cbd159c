using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using AlertLinker.Alerts;

namespace AlertLinker.Sources.Alertmanager;

/// <summary>Alertmanager webhook v4 body → the normalized <see cref="AlertNotification"/>.</summary>
internal static class AlertmanagerParser
{
    public const string SourceName = "alertmanager";

    /// <summary>More labels than this on one alert is not an alert any more.</summary>
    public const int MaxLabelsPerAlert = 2000;

    public const int MaxAlerts = 10_000;

    public static bool TryParse(
        byte[] body,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out AlertNotification? notification,
        [NotNullWhen(false)] out string? error)
    {
        notification = null;
        if (!WebhookJson.TryDeserialize<AlertmanagerPayload>(body, out var payload, out error))
            return false;
        return TryNormalize(payload, receivedAt, out notification, out error);
    }

    public static bool TryNormalize(
        AlertmanagerPayload payload,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out AlertNotification? notification,
        [NotNullWhen(false)] out string? error)
    {
        notification = null;
        if (payload.Version is { } version && version != "4")
        {
            error = $"Webhook version '{version}' is not supported here: this endpoint takes Alertmanager webhook version 4 (Grafana Alerting sends version 1).";
            return false;
        }
        if (payload.Alerts is not { Count: > 0 } rawAlerts)
        {
            error = "$.alerts must be a non-empty array of alerts.";
            return false;
        }
        if (rawAlerts.Count > MaxAlerts)
        {
            error = $"$.alerts holds {rawAlerts.Count} alerts; at most {MaxAlerts} are accepted in one notification.";
            return false;
        }

        var alerts = new List<Alert>(rawAlerts.Count);
        for (var i = 0; i < rawAlerts.Count; i++)
        {
            if (!TryNormalizeAlert(rawAlerts[i], $"$.alerts[{i}]", out var alert, out error))
                return false;
            alerts.Add(alert);
        }

        if (!TryParseStatus(payload.Status, "$.status", out var groupStatus, out error, allowMissing: true))
            return false;
        groupStatus ??= alerts.All(a => a.Status == AlertStatus.Resolved) ? AlertStatus.Resolved : AlertStatus.Firing;

        notification = new AlertNotification
        {
            Source = SourceName,
            GroupKey = string.IsNullOrEmpty(payload.GroupKey)
                ? $"{payload.Receiver}:{{{string.Join(",", (payload.GroupLabels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""))}}}"
                : payload.GroupKey,
            Status = groupStatus.Value,
            Alerts = alerts,
            TruncatedAlerts = Math.Max(0, payload.TruncatedAlerts),
            CommonLabels = payload.CommonLabels ?? [],
            ExternalUrl = NullIfEmpty(payload.ExternalUrl),
            Receiver = NullIfEmpty(payload.Receiver),
            ReceivedAt = receivedAt,
        };
        error = null;
        return true;
    }

    private static bool TryNormalizeAlert(
        AlertmanagerAlert raw,
        string path,
        [NotNullWhen(true)] out Alert? alert,
        [NotNullWhen(false)] out string? error)
    {
        alert = null;
        if (raw is null)
        {
            error = $"{path} is null; each alert must be an object.";
            return false;
        }
        if (!TryParseStatus(raw.Status, path + ".status", out var status, out error, allowMissing: false))
            return false;
        if (raw.Labels is null)
        {
            error = $"{path}.labels is missing; every Alertmanager alert has labels.";
            return false;
        }
        if (raw.Labels.Count > MaxLabelsPerAlert)
        {
            error = $"{path}.labels has {raw.Labels.Count} labels; at most {MaxLabelsPerAlert} are accepted.";
            return false;
        }
        if (raw.StartsAt is not { } startsAt || startsAt == default)
        {
            error = $"{path}.startsAt is missing; it must be an RFC 3339 timestamp.";
            return false;
        }

        var labels = raw.Labels;
        alert = new Alert
        {
            Fingerprint = string.IsNullOrEmpty(raw.Fingerprint) ? FingerprintOf(labels) : raw.Fingerprint,
            Status = status!.Value,
            Name = labels.TryGetValue("alertname", out var name) && name.Length > 0 ? name : "(unnamed alert)",
            Labels = labels,
            Annotations = raw.Annotations ?? [],
            StartsAt = startsAt,
            // Alertmanager sends the zero time while an alert fires.
            EndsAt = raw.EndsAt is { Year: > 1 } endsAt ? endsAt : null,
            GeneratorUrl = NullIfEmpty(raw.GeneratorUrl),
        };
        error = null;
        return true;
    }

    private static bool TryParseStatus(string? value, string path, out AlertStatus? status, [NotNullWhen(false)] out string? error, bool allowMissing)
    {
        error = null;
        status = value switch
        {
            "firing" => AlertStatus.Firing,
            "resolved" => AlertStatus.Resolved,
            _ => null,
        };
        if (status is not null || (value is null && allowMissing))
            return true;
        error = value is null
            ? $"{path} is missing; it must be \"firing\" or \"resolved\"."
            : $"{path} is \"{Shorten(value)}\"; it must be \"firing\" or \"resolved\".";
        return false;
    }

    /// <summary>Alertmanager's own fingerprint is a label hash too; used only when a sender left it out.</summary>
    private static string FingerprintOf(IReadOnlyDictionary<string, string> labels)
    {
        var canonical = string.Join('\n', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
