namespace AlertLinker.Model;

/// <summary>Lifecycle state of an alert, the same for every source.</summary>
public enum AlertStatus
{
    Firing,
    Acknowledged,
    Resolved,
}

/// <summary>One alert, normalized from whichever source sent it.</summary>
public sealed record Alert
{
    /// <summary>Stable identity of the alert within its source (Alertmanager fingerprint, PagerDuty incident id…).</summary>
    public required string Fingerprint { get; init; }

    public required AlertStatus Status { get; init; }

    /// <summary>Human name: Alertmanager's alertname, an incident title.</summary>
    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty;

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>When the alert ended; null while it is still firing.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Where the alert came from (Prometheus graph URL carrying the PromQL); null when the source gave none.</summary>
    public string? GeneratorUrl { get; init; }

    /// <summary>Links the source itself provides (dashboard, silence, incident page).</summary>
    public IReadOnlyList<AlertLink> Links { get; init; } = [];

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A titled http(s) link.</summary>
public sealed record AlertLink(string Title, Uri Url)
{
    /// <summary>A link from a URL a sender gave us, or null unless it is an absolute http(s) URL (no javascript:, no relative paths).</summary>
    public static AlertLink? FromUntrusted(string title, string? url) =>
        !string.IsNullOrWhiteSpace(url) && url.Length <= 3000
        && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new AlertLink(title, uri)
            : null;
}
