namespace AlertLinker.Backends.Tempo;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Tempo</c>: ApiUrl is Tempo's HTTP API (e.g. http://tempo:3200/),
/// UiUrl is Grafana, where the Explore links open.
/// </summary>
public sealed class TempoOptions : BackendOptions
{
    public const int MaxSearchLimit = 1000;

    /// <summary>uid of the Tempo data source in Grafana (in its settings page URL: /connections/datasources/edit/&lt;uid&gt;).</summary>
    public string? DatasourceUid { get; set; }

    /// <summary>Grafana organization of the data source.</summary>
    public int OrgId { get; set; } = 1;

    /// <summary>Multi-tenant Tempo: sent as X-Scope-OrgID. A tenant id, not logged anyway.</summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// Tempo search returns the first traces it finds, not the slowest: the slow search asks for
    /// <c>duration &gt; SlowThreshold</c> and the results are sorted here.
    /// </summary>
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Traces per search (<c>limit</c>).</summary>
    public int SearchLimit { get; set; } = 20;

    /// <summary>Spans per span set (<c>spss</c>).</summary>
    public int SpansPerSpanSet { get; set; } = 3;

    /// <summary>
    /// Adds <c>| select(…)</c> of <c>AlertLinker:Enrichment:BusinessKeys</c> to the searches and searches the window's
    /// ordinary traces alongside the slow and errored ones, so the slow or failing traces can be compared with the
    /// others ("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others"). false keeps the two searches as they were.
    /// </summary>
    public bool SelectBusinessKeys { get; set; } = true;

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (UiUrl is null)
            yield return "UiUrl is required: the Grafana base URL that Explore links open (e.g. https://grafana.example.com/)";
        if (string.IsNullOrWhiteSpace(DatasourceUid))
            yield return "DatasourceUid is required: the uid of the Tempo data source in Grafana "
                + "(Connections → Data sources → Tempo; the last part of its settings page URL)";
        if (OrgId < 1)
            yield return $"OrgId must be 1 or more (the Grafana organization id), got {OrgId}";
        if (SlowThreshold <= TimeSpan.Zero)
            yield return $"SlowThreshold must be positive (e.g. 00:00:00.500 for 500ms), got {SlowThreshold}";
        if (SearchLimit is < 1 or > MaxSearchLimit)
            yield return $"SearchLimit must be between 1 and {MaxSearchLimit}, got {SearchLimit}";
        if (SpansPerSpanSet is < 1 or > 100)
            yield return $"SpansPerSpanSet must be between 1 and 100, got {SpansPerSpanSet}";
    }
}
