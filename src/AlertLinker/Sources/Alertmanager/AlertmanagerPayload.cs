using System.Text.Json.Serialization;

namespace AlertLinker.Sources.Alertmanager;

/// <summary>
/// Alertmanager webhook body, version 4, as Alertmanager sends it (see its webhook_config docs).
/// Unknown fields (notification_reason, routeLabels in newer versions) are ignored.
/// </summary>
public sealed record AlertmanagerPayload
{
    public string? Version { get; init; }

    public string? GroupKey { get; init; }

    public int TruncatedAlerts { get; init; }

    /// <summary>firing or resolved: resolved only when every alert of the group is.</summary>
    public string? Status { get; init; }

    public string? Receiver { get; init; }

    public Dictionary<string, string>? GroupLabels { get; init; }

    public Dictionary<string, string>? CommonLabels { get; init; }

    public Dictionary<string, string>? CommonAnnotations { get; init; }

    [JsonPropertyName("externalURL")]
    public string? ExternalUrl { get; init; }

    public List<AlertmanagerAlert>? Alerts { get; init; }
}

public sealed record AlertmanagerAlert
{
    /// <summary>firing or resolved; a firing group can hold resolved alerts.</summary>
    public string? Status { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    /// <summary><c>0001-01-01T00:00:00Z</c> while firing.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>May be empty.</summary>
    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; init; }

    public string? Fingerprint { get; init; }
}
