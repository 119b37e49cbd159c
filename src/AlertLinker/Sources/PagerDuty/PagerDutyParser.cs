using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>What one PagerDuty delivery asks for: a notification to store, or nothing (and why).</summary>
internal sealed record PagerDutyDelivery(string EventType, AlertNotification? Notification, string? IgnoredBecause);

/// <summary>PagerDuty V3 webhook body → the normalized <see cref="AlertNotification"/>.</summary>
internal static class PagerDutyParser
{
    public const string SourceName = "pagerduty";

    /// <summary>Event types whose name says the new state, whatever <c>data.status</c> says.</summary>
    private static readonly Dictionary<string, AlertStatus> StateEvents = new(StringComparer.Ordinal)
    {
        ["incident.triggered"] = AlertStatus.Firing,
        ["incident.acknowledged"] = AlertStatus.Acknowledged,
        ["incident.unacknowledged"] = AlertStatus.Firing,
        ["incident.resolved"] = AlertStatus.Resolved,
        ["incident.reopened"] = AlertStatus.Firing,
    };

    public static bool TryParse(
        byte[] body,
        string? webhookId,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out PagerDutyDelivery? delivery,
        [NotNullWhen(false)] out string? error)
    {
        delivery = null;
        if (!WebhookJson.TryDeserialize<PagerDutyWebhook>(body, out var payload, out error))
            return false;
        if (payload.Messages is { ValueKind: not JsonValueKind.Null })
        {
            error = "This is a PagerDuty V2 webhook (messages[]); V2 webhooks are not supported. " +
                "Create a V3 webhook subscription (Integrations → Generic Webhooks (v3)) pointing here.";
            return false;
        }
        if (payload.Event is not { } ev)
        {
            error = "$.event is missing; this endpoint takes PagerDuty V3 webhooks ({\"event\":{…}}).";
            return false;
        }
        if (string.IsNullOrWhiteSpace(ev.EventType))
        {
            error = "$.event.event_type is missing.";
            return false;
        }
        var eventType = Shorten(ev.EventType, 100);
        if (eventType == "pagey.ping")
        {
            delivery = new(eventType, null, "a ping from PagerDuty: the subscription works");
            return true;
        }
        // Signed inside the body, unlike the X-Webhook-Id header; the header only stands in when the body has no id.
        var deliveryId = !string.IsNullOrWhiteSpace(ev.Id) ? ev.Id : webhookId;
        if (string.IsNullOrWhiteSpace(deliveryId))
        {
            error = "$.event.id is missing (and there is no X-Webhook-Id header); a PagerDuty event always has an id.";
            return false;
        }
        if (ev.ResourceType is { } resource && resource != "incident" || !eventType.StartsWith("incident.", StringComparison.Ordinal))
        {
            delivery = new(eventType, null, "not an incident event: nothing to alert on");
            return true;
        }
        if (ev.Data is not { ValueKind: JsonValueKind.Object } dataElement)
        {
            error = "$.event.data is missing; an incident event carries an object there.";
            return false;
        }
        if (!WebhookJson.TryConvert<PagerDutyEventData>(dataElement, "$.event.data", out var data, out error))
            return false;

        if (ev.OccurredAt is { } occurred && WebhookJson.ImplausibleInstant(occurred, receivedAt, "$.event.occurred_at") is { } badOccurred)
        {
            error = badOccurred;
            return false;
        }
        if (data.CreatedAt is { } created && WebhookJson.ImplausibleInstant(created, receivedAt, "$.event.data.created_at") is { } badCreated)
        {
            error = badCreated;
            return false;
        }

        var context = new EventContext(ev, eventType, Shorten(deliveryId, 200), receivedAt);
        return data.Type switch
        {
            "incident" => TryIncident(context, data, out delivery, out error),
            "incident_note" => TryNote(context, data, data.Content, "$.event.data.content", out delivery, out error),
            "incident_status_update" => TryNote(context, data, data.Message, "$.event.data.message", out delivery, out error),
            _ => Recorded(context, data, out delivery, out error),
        };
    }

    private sealed record EventContext(PagerDutyEvent Event, string EventType, string DeliveryId, DateTimeOffset ReceivedAt)
    {
        public DateTimeOffset OccurredAt => Event.OccurredAt ?? ReceivedAt;
    }

    private static bool TryIncident(EventContext context, PagerDutyEventData data, out PagerDutyDelivery? delivery, [NotNullWhen(false)] out string? error)
    {
        delivery = null;
        if (string.IsNullOrWhiteSpace(data.Id))
        {
            error = "$.event.data.id is missing; an incident has an id.";
            return false;
        }
        if (!StateEvents.TryGetValue(context.EventType, out var status))
        {
            // Escalated, reassigned, priority_updated…: the incident's own status says where it stands now.
            switch (data.Status)
            {
                case "triggered":
                    status = AlertStatus.Firing;
                    break;
                case "acknowledged":
                    status = AlertStatus.Acknowledged;
                    break;
                case "resolved":
                    status = AlertStatus.Resolved;
                    break;
                default:
                    error = data.Status is null
                        ? $"$.event.data.status is missing; {context.EventType} needs the incident's status (triggered, acknowledged or resolved)."
                        : $"$.event.data.status is \"{Shorten(data.Status, 40)}\"; it must be triggered, acknowledged or resolved.";
                    return false;
            }
        }

        var incidentId = Shorten(data.Id, 100);
        var title = string.IsNullOrWhiteSpace(data.Title) ? $"PagerDuty incident {incidentId}" : data.Title;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = title };
        AddIfPresent(labels, "service", data.Service?.Summary);
        AddIfPresent(labels, "pagerduty_service_id", data.Service?.Id);
        AddIfPresent(labels, "pagerduty_incident_id", incidentId);
        AddIfPresent(labels, "urgency", data.Urgency);
        AddIfPresent(labels, "priority", data.Priority?.Summary);
        AddIfPresent(labels, "incident_number", data.Number?.ToString(CultureInfo.InvariantCulture));
        AddIfPresent(labels, "incident_key", data.IncidentKey);
        AddIfPresent(labels, "escalation_policy", data.EscalationPolicy?.Summary);
        AddIfPresent(labels, "teams", JoinSummaries(data.Teams));

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = title };
        AddIfPresent(annotations, "assignees", JoinSummaries(data.Assignees));
        AddIfPresent(annotations, "pagerduty_event", context.EventType);
        AddIfPresent(annotations, "pagerduty_agent", context.Event.Agent?.Summary);

        var links = new List<AlertLink>();
        AddLink(links, data.Number is { } n ? $"PagerDuty incident #{n}" : "PagerDuty incident", data.HtmlUrl);
        AddLink(links, "PagerDuty service", data.Service?.HtmlUrl);

        var startsAt = data.CreatedAt ?? context.OccurredAt;
        var alert = new Alert
        {
            Fingerprint = incidentId,
            Status = status,
            Name = title,
            Labels = labels,
            Annotations = annotations,
            StartsAt = startsAt,
            EndsAt = status == AlertStatus.Resolved ? Later(context.OccurredAt, startsAt) : null,
            Links = links,
        };
        delivery = new(context.EventType, Notification(context, incidentId, status, alert, NotificationKind.StateChange, note: null), null);
        error = null;
        return true;
    }

    private static bool TryNote(
        EventContext context, PagerDutyEventData data, string? text, string textPath, out PagerDutyDelivery? delivery, [NotNullWhen(false)] out string? error)
    {
        delivery = null;
        if (string.IsNullOrWhiteSpace(data.Incident?.Id))
        {
            error = "$.event.data.incident.id is missing; a note belongs to an incident.";
            return false;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"{textPath} is missing or empty; a note has text.";
            return false;
        }
        var incidentId = Shorten(data.Incident.Id, 100);
        var title = string.IsNullOrWhiteSpace(data.Incident.Summary) ? $"PagerDuty incident {incidentId}" : data.Incident.Summary;
        var links = new List<AlertLink>();
        AddLink(links, "PagerDuty incident", data.Incident.HtmlUrl);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = title };
        AddIfPresent(annotations, "pagerduty_event", context.EventType);
        AddIfPresent(annotations, "pagerduty_agent", context.Event.Agent?.Summary);
        var alert = new Alert
        {
            Fingerprint = incidentId,
            // A note does not say the incident's state; Kind = Note tells the Slack side to leave it alone.
            Status = AlertStatus.Firing,
            Name = title,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = title, ["pagerduty_incident_id"] = incidentId },
            Annotations = annotations,
            StartsAt = context.OccurredAt,
            Links = links,
        };
        delivery = new(context.EventType, Notification(context, incidentId, AlertStatus.Firing, alert, NotificationKind.Note, text), null);
        error = null;
        return true;
    }

    private static bool Recorded(EventContext context, PagerDutyEventData data, out PagerDutyDelivery? delivery, out string? error)
    {
        error = null;
        var type = data.Type is null ? "(no data.type)" : Shorten(data.Type, 60);
        delivery = new(context.EventType, null, $"{type} carries no state change or note");
        return true;
    }

    private static AlertNotification Notification(
        EventContext context, string incidentId, AlertStatus status, Alert alert, NotificationKind kind, string? note) => new()
    {
        Source = SourceName,
        // One incident, one Slack message: later events of the incident update it or reply in its thread.
        GroupKey = incidentId,
        Status = status,
        Alerts = [alert],
        CommonLabels = alert.Labels,
        ReceivedAt = context.ReceivedAt,
        Kind = kind,
        Note = note,
        Event = context.EventType,
        DeliveryId = context.DeliveryId,
    };

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static string? JoinSummaries(List<PagerDutyReference?>? references)
    {
        var names = (references ?? []).Select(r => r?.Summary).Where(s => !string.IsNullOrWhiteSpace(s)).Take(20).ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }

    internal static void AddIfPresent(Dictionary<string, string> map, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            map[key] = value.Trim();
    }

    private static void AddLink(List<AlertLink> links, string title, string? url)
    {
        if (AlertLink.FromUntrusted(title, url) is { } link)
            links.Add(link);
    }

    private static string Shorten(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
