using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Sources.Grafana;

/// <summary>
/// What a Grafana Alerting webhook (<c>version: "1"</c>) adds to the Alertmanager body, which is read as
/// <see cref="Alertmanager.AlertmanagerPayload"/> (grafana/grafana webhook-notifier.md).
/// </summary>
public sealed record GrafanaPayload
{
    /// <summary>alerting, ok…: Grafana's word for the group's state.</summary>
    public string? State { get; init; }

    public string? Title { get; init; }

    /// <summary>The message Grafana rendered from its templates.</summary>
    public string? Message { get; init; }

    public long? OrgId { get; init; }

    public List<GrafanaAlert?>? Alerts { get; init; }
}

public sealed record GrafanaAlert
{
    /// <summary>The rule's query and expression results by refId; null for a no-data value.</summary>
    public Dictionary<string, JsonElement>? Values { get; init; }

    public string? ValueString { get; init; }

    [JsonPropertyName("dashboardURL")]
    public string? DashboardUrl { get; init; }

    [JsonPropertyName("panelURL")]
    public string? PanelUrl { get; init; }

    [JsonPropertyName("silenceURL")]
    public string? SilenceUrl { get; init; }

    [JsonPropertyName("imageURL")]
    public string? ImageUrl { get; init; }
}
