using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>
/// A PagerDuty V3 webhook delivery: one event per body (developer-docs webhooks/01-Overview.md).
/// <see cref="Messages"/> only exists in V2 bodies, which are refused.
/// </summary>
public sealed record PagerDutyWebhook
{
    public PagerDutyEvent? Event { get; init; }

    /// <summary>V2's <c>messages[]</c>; present means a V2 subscription is calling.</summary>
    public JsonElement? Messages { get; init; }
}

public sealed record PagerDutyEvent
{
    /// <summary>Stable across retries of the same event: the dedupe key.</summary>
    public string? Id { get; init; }

    /// <summary>incident.triggered, incident.annotated, service.updated, pagey.ping…</summary>
    [JsonPropertyName("event_type")]
    public string? EventType { get; init; }

    [JsonPropertyName("resource_type")]
    public string? ResourceType { get; init; }

    [JsonPropertyName("occurred_at")]
    public DateTimeOffset? OccurredAt { get; init; }

    public PagerDutyReference? Agent { get; init; }

    /// <summary>Shape depends on <c>data.type</c>: read as <see cref="PagerDutyEventData"/> once the event type is known.</summary>
    public JsonElement? Data { get; init; }
}

/// <summary>
/// The fields AlertLinker reads from <c>event.data</c>, across its types: <c>incident</c> (the incident itself),
/// <c>incident_note</c> (<see cref="Content"/>), <c>incident_status_update</c> (<see cref="Message"/>), and the
/// others that point at their incident through <see cref="Incident"/>. No two types use a name with different JSON types.
/// </summary>
public sealed record PagerDutyEventData
{
    public string? Id { get; init; }

    public string? Type { get; init; }

    public long? Number { get; init; }

    /// <summary>triggered, acknowledged or resolved (incident data).</summary>
    public string? Status { get; init; }

    public string? Title { get; init; }

    [JsonPropertyName("html_url")]
    public string? HtmlUrl { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("incident_key")]
    public string? IncidentKey { get; init; }

    public string? Urgency { get; init; }

    /// <summary>Null when the account has no priorities.</summary>
    public PagerDutyReference? Priority { get; init; }

    public PagerDutyReference? Service { get; init; }

    [JsonPropertyName("escalation_policy")]
    public PagerDutyReference? EscalationPolicy { get; init; }

    public List<PagerDutyReference?>? Assignees { get; init; }

    public List<PagerDutyReference?>? Teams { get; init; }

    /// <summary>The incident a note, status update, responder… belongs to.</summary>
    public PagerDutyReference? Incident { get; init; }

    /// <summary>The note text (incident_note).</summary>
    public string? Content { get; init; }

    /// <summary>The status update text (incident_status_update).</summary>
    public string? Message { get; init; }
}

/// <summary>PagerDuty's <c>*_reference</c> objects: id, summary, html_url.</summary>
public sealed record PagerDutyReference
{
    public string? Id { get; init; }

    public string? Summary { get; init; }

    [JsonPropertyName("html_url")]
    public string? HtmlUrl { get; init; }
}
