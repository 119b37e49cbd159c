using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AlertLinker.Sources.Opsgenie;

/// <summary>What one Opsgenie delivery asks for: a notification to store, or nothing (and why).</summary>
internal sealed record OpsgenieDelivery(string Action, AlertNotification? Notification, string? IgnoredBecause);

/// <summary>Opsgenie outgoing webhook body → the normalized <see cref="AlertNotification"/>.</summary>
internal static class OpsgenieParser
{
    public const string SourceName = "opsgenie";

    /// <summary>Labels taken from tags and details beyond this many are dropped.</summary>
    public const int MaxDerivedLabels = 200;

    /// <summary>More tags or details than this on one alert is not an alert any more.</summary>
    public const int MaxTagsOrDetails = 2000;

    public static bool TryParse(
        byte[] body,
        OpsgenieOptions options,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out OpsgenieDelivery? delivery,
        [NotNullWhen(false)] out string? error)
    {
        delivery = null;
        if (!WebhookJson.TryDeserialize<OpsgeniePayload>(body, out var payload, out error))
            return false;
        if (string.IsNullOrWhiteSpace(payload.Action))
        {
            error = "$.action is missing; an Opsgenie webhook names its action (Create, Acknowledge, Close…).";
            return false;
        }
        var action = payload.Action.Length <= 100 ? payload.Action : payload.Action[..100] + "…";
        if (payload.Alert is not { } raw)
        {
            error = "$.alert is missing; an Opsgenie webhook carries the alert.";
            return false;
        }
        if (string.IsNullOrWhiteSpace(raw.AlertId))
        {
            error = "$.alert.alertId is missing.";
            return false;
        }

        if (raw.Tags?.Count > MaxTagsOrDetails || raw.Details?.Count > MaxTagsOrDetails || raw.Teams?.Count > MaxTagsOrDetails)
        {
            error = $"$.alert has more than {MaxTagsOrDetails} tags, teams or details; that many are not accepted.";
            return false;
        }

        (AlertStatus Status, NotificationKind Kind)? meaning = action switch
        {
            "Create" => (AlertStatus.Firing, NotificationKind.StateChange),
            "Acknowledge" => (AlertStatus.Acknowledged, NotificationKind.StateChange),
            "UnAcknowledge" => (AlertStatus.Firing, NotificationKind.StateChange),
            "Close" => (AlertStatus.Resolved, NotificationKind.StateChange),
            "AddNote" => (AlertStatus.Firing, NotificationKind.Note),
            _ => null,
        };
        if (meaning is not var (status, kind))
        {
            delivery = new(action, null, "an action that changes neither the alert's state nor its thread");
            return true;
        }
        if (kind == NotificationKind.Note && string.IsNullOrWhiteSpace(raw.Note))
        {
            error = "$.alert.note is missing or empty; an AddNote webhook carries the note.";
            return false;
        }
        if (!TryInstant(raw.CreatedAt, "$.alert.createdAt", out var createdAt, out error)
            || !TryInstant(raw.UpdatedAt, "$.alert.updatedAt", out var updatedAt, out error)
            || !TryInstant(raw.InsertedAt, "$.alert.insertedAt", out var insertedAt, out error))
            return false;
        foreach (var (instant, path) in new[] { (createdAt, "$.alert.createdAt"), (updatedAt, "$.alert.updatedAt"), (insertedAt, "$.alert.insertedAt") })
        {
            if (instant is { } t && WebhookJson.ImplausibleInstant(t, receivedAt, path) is { } implausible)
            {
                error = implausible;
                return false;
            }
        }

        var alertId = raw.AlertId.Length <= 100 ? raw.AlertId : raw.AlertId[..100];
        var name = !string.IsNullOrWhiteSpace(raw.Message) ? raw.Message.Trim()
            : raw.TinyId is { Length: > 0 } tiny ? $"Opsgenie alert #{tiny}" : $"Opsgenie alert {alertId}";

        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = name };
        Add(labels, "service", ServiceOf(raw, options));
        Add(labels, "entity", raw.Entity);
        Add(labels, "alias", raw.Alias);
        Add(labels, "priority", raw.Priority);
        Add(labels, "opsgenie_alert_id", alertId);
        Add(labels, "opsgenie_tiny_id", raw.TinyId);
        Add(labels, "opsgenie_source", raw.Source);
        Add(labels, "tags", Join(raw.Tags));
        Add(labels, "teams", Join(raw.Teams));
        AddDerived(labels, raw);

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = name };
        Add(annotations, "description", raw.Description);
        Add(annotations, "opsgenie_action", action);
        Add(annotations, "opsgenie_user", raw.Username);
        Add(annotations, "opsgenie_integration", payload.IntegrationName);

        var startsAt = createdAt ?? insertedAt ?? updatedAt ?? receivedAt;
        var alert = new Alert
        {
            Fingerprint = alertId,
            Status = status,
            Name = name,
            Labels = labels,
            Annotations = annotations,
            StartsAt = startsAt,
            EndsAt = status == AlertStatus.Resolved ? Max(updatedAt ?? receivedAt, startsAt) : null,
        };
        var note = kind == NotificationKind.Note ? raw.Note!.Trim() : null;
        delivery = new(action, new AlertNotification
        {
            Source = SourceName,
            // Every action on one Opsgenie alert updates the same Slack message or replies in its thread.
            GroupKey = alertId,
            Status = status,
            Alerts = [alert],
            CommonLabels = labels,
            ReceivedAt = receivedAt,
            Kind = kind,
            Note = note,
            Event = action,
            DeliveryId = DeliveryIdOf(action, raw.UpdatedAt, note),
        }, null);
        error = null;
        return true;
    }

    /// <summary>
    /// updatedAt changes with every action on the alert and stays the same when Opsgenie retries one,
    /// so action + updatedAt identifies a delivery. Without it a note is told apart by its text.
    /// </summary>
    private static string? DeliveryIdOf(string action, long? updatedAt, string? note) =>
        updatedAt is { } u ? $"{action}@{u.ToString(CultureInfo.InvariantCulture)}"
        : note is not null ? $"{action}#{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(note)))[..16]}"
        : null;

    private static string? ServiceOf(OpsgenieAlert alert, OpsgenieOptions options) => options.ServiceSource switch
    {
        OpsgenieServiceSource.Entity => alert.Entity,
        OpsgenieServiceSource.Details => alert.Details is { } details && details.TryGetValue(options.ServiceKey, out var value) ? Scalar(value) : null,
        _ => (alert.Tags ?? [])
            .Select(tag => TrySplitTag(tag, out var key, out var tagValue) && key.Equals(options.ServiceKey, StringComparison.OrdinalIgnoreCase) ? tagValue : null)
            .FirstOrDefault(v => v is not null),
    };

    /// <summary><c>key:value</c> tags and scalar details become labels (operation, tenant…) without overriding ours.</summary>
    private static void AddDerived(Dictionary<string, string> labels, OpsgenieAlert alert)
    {
        var added = 0;
        foreach (var tag in alert.Tags ?? [])
        {
            if (added >= MaxDerivedLabels)
                return;
            if (TrySplitTag(tag, out var key, out var value) && labels.TryAdd(key, value))
                added++;
        }
        foreach (var (key, element) in alert.Details ?? [])
        {
            if (added >= MaxDerivedLabels)
                return;
            if (key.Length is > 0 and <= 100 && Scalar(element) is { Length: > 0 } value && labels.TryAdd(key, value))
                added++;
        }
    }

    private static bool TrySplitTag(string? tag, out string key, out string value)
    {
        key = value = "";
        var colon = tag?.IndexOf(':') ?? -1;
        if (colon is <= 0 or > 100 || colon == tag!.Length - 1)
            return false;
        key = tag[..colon].Trim();
        value = tag[(colon + 1)..].Trim();
        return key.Length > 0 && value.Length > 0;
    }

    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => null,
    };

    /// <summary>
    /// Opsgenie mixes units: createdAt is epoch ms, updatedAt/insertedAt epoch ns. The magnitude tells them apart
    /// (anything after 1973 in ms is ≥ 1e11), so a sender that switches units is still read right.
    /// </summary>
    internal static bool TryInstant(long? value, string path, out DateTimeOffset? instant, [NotNullWhen(false)] out string? error)
    {
        instant = null;
        error = null;
        if (value is not { } v)
            return true;
        if (v <= 0)
        {
            error = $"{path} is {v}; it must be a positive Unix epoch timestamp.";
            return false;
        }
        var milliseconds = v switch
        {
            >= 100_000_000_000_000_000 => v / 1_000_000,
            >= 100_000_000_000_000 => v / 1_000,
            >= 100_000_000_000 => v,
            _ => v * 1_000,
        };
        instant = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static string? Join(List<string?>? values)
    {
        var present = (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Take(50).ToList();
        return present.Count == 0 ? null : string.Join(", ", present);
    }

    private static void Add(Dictionary<string, string> map, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            map[key] = value.Trim();
    }
}
