using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AlertLinker.Sources.Alertmanager;

/// <summary>Alertmanager webhook v4 body → the normalized <see cref="AlertNotification"/>.</summary>
internal static class AlertmanagerParser
{
    public const string SourceName = "alertmanager";

    /// <summary>More labels than this on one alert is not an alert any more.</summary>
    public const int MaxLabelsPerAlert = 2000;

    public const int MaxAlerts = 10_000;

    /// <summary>The body as a notification, or the reason it is invalid (the 400's detail).</summary>
    public static WebhookParse Parse(byte[] body, DateTimeOffset receivedAt) =>
        !WebhookJson.TryDeserialize<AlertmanagerPayload>(body, out var payload, out var error) ? WebhookParse.Invalid(error)
        : TryNormalize(payload, receivedAt, out var notification, out error) ? WebhookParse.Accepted(notification)
        : WebhookParse.Invalid(error);

    /// <param name="source">The source name to record: Grafana Alerting sends the same shape.</param>
    /// <param name="expectedVersion">The body's <c>version</c>: "4" from Alertmanager, "1" from Grafana.</param>
    public static bool TryNormalize(
        AlertmanagerPayload payload,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out AlertNotification? notification,
        [NotNullWhen(false)] out string? error,
        string source = SourceName,
        string expectedVersion = "4")
    {
        notification = null;
        if (payload.Version is { } version && version != expectedVersion)
        {
            error = source == SourceName
                ? $"Webhook version '{Shorten(version)}' is not supported here: this endpoint takes Alertmanager webhook version 4 (Grafana Alerting sends version 1 to /webhooks/grafana)."
                : $"Webhook version '{Shorten(version)}' is not supported here: this endpoint takes {source} webhooks version {expectedVersion}.";
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
            if (!TryNormalizeAlert(rawAlerts[i], $"$.alerts[{i}]", receivedAt, out var alert, out error))
                return false;
            alerts.Add(alert);
        }

        if (NullValueIn(payload.CommonLabels) is { } nullCommon)
        {
            error = $"$.commonLabels.{Shorten(nullCommon)} is null; label values are strings.";
            return false;
        }
        if (!TryParseStatus(payload.Status, "$.status", out var groupStatus, out error, allowMissing: true))
            return false;
        groupStatus ??= alerts.All(a => a.Status == AlertStatus.Resolved) ? AlertStatus.Resolved : AlertStatus.Firing;

        notification = new AlertNotification
        {
            Source = source,
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
        DateTimeOffset receivedAt,
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
        // JSON null is a valid dictionary value to the deserializer, but a label is a string (found by the fuzz test: a 500).
        if (NullValueIn(raw.Labels) is { } nullLabel)
        {
            error = $"{path}.labels.{Shorten(nullLabel)} is null; label values are strings.";
            return false;
        }
        if (NullValueIn(raw.Annotations) is { } nullAnnotation)
        {
            error = $"{path}.annotations.{Shorten(nullAnnotation)} is null; annotation values are strings.";
            return false;
        }
        if (raw.StartsAt is not { } startsAt || startsAt == default)
        {
            error = $"{path}.startsAt is missing; it must be an RFC 3339 timestamp.";
            return false;
        }

        // Zero endsAt means "still firing"; any other must be a real time, like startsAt.
        var endsAt = raw.EndsAt is { Year: > 1 } end ? end : (DateTimeOffset?)null;
        if (WebhookJson.ImplausibleInstant(startsAt, receivedAt, path + ".startsAt") is { } badStart)
        {
            error = badStart;
            return false;
        }
        if (endsAt is { } e && WebhookJson.ImplausibleInstant(e, receivedAt, path + ".endsAt") is { } badEnd)
        {
            error = badEnd;
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
            EndsAt = endsAt,
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

    private static string? NullValueIn(Dictionary<string, string>? map) =>
        map?.FirstOrDefault(entry => entry.Value is null).Key;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
