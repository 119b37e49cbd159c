namespace AlertLinker.Backends.Honeycomb;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Honeycomb</c>: ApiUrl defaults to https://api.honeycomb.io/
/// (EU: https://api.eu1.honeycomb.io/), UiUrl to https://ui.honeycomb.io/.
/// </summary>
public sealed class HoneycombOptions : BackendOptions
{
    public const string DefaultApiUrl = "https://api.honeycomb.io/";
    public const string DefaultUiUrl = "https://ui.honeycomb.io/";

    /// <summary>The team slug, as in https://ui.honeycomb.io/&lt;team&gt;/….</summary>
    public string? Team { get; set; }

    /// <summary>The environment slug; leave empty for a Honeycomb Classic team (links then omit /environments/…).</summary>
    public string? Environment { get; set; }

    /// <summary>The dataset holding the spans (usually the service's or the OpenTelemetry collector's).</summary>
    public string? Dataset { get; set; }

    /// <summary>A configuration API key with the "Run queries" permission; sent as X-Honeycomb-Team, never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Rows (traces) per query.</summary>
    public int SearchLimit { get; set; } = 10;

    /// <summary>Wait between polls of a query result; the enrichment budget bounds the whole wait.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (string.IsNullOrWhiteSpace(Team))
            yield return "Team is required: your Honeycomb team slug (as in https://ui.honeycomb.io/<team>/)";
        if (string.IsNullOrWhiteSpace(Dataset))
            yield return "Dataset is required: the dataset holding the spans (as in …/datasets/<dataset>)";
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required: a Honeycomb configuration API key with the \"Run queries\" permission";
        if (SearchLimit is < 1 or > 1000)
            yield return $"SearchLimit must be between 1 and 1000, got {SearchLimit}";
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromSeconds(10))
            yield return $"PollInterval must be between 00:00:00.010 and 00:00:10, got {PollInterval}";
    }
}
