namespace AlertLinker.Backends.Datadog;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Datadog</c>: the site picks the API and UI hosts
/// (ApiUrl <c>https://api.&lt;Site&gt;/</c>, UiUrl <c>https://app.&lt;Site&gt;/</c> or the site itself for us3/us5/ap1/ap2).
/// </summary>
public sealed class DatadogOptions : BackendOptions
{
    public const string DefaultSite = "datadoghq.com";

    /// <summary>Spans per search page (the API allows up to 1000).</summary>
    public const int MaxPageLimit = 1000;

    /// <summary>datadoghq.com, datadoghq.eu, us3.datadoghq.com, us5.datadoghq.com, ap1.datadoghq.com, ddog-gov.com…</summary>
    public string Site { get; set; } = DefaultSite;

    /// <summary>DD-API-KEY. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>DD-APPLICATION-KEY (needs the apm_read scope). A secret: never logged.</summary>
    public string? AppKey { get; set; }

    /// <summary>The <c>env</c> tag every query is scoped to (e.g. prod); none when empty.</summary>
    public string? Env { get; set; }

    /// <summary>The slow search asks for spans longer than this (the API sorts by time only) and sorts them here.</summary>
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Spans per exemplar search.</summary>
    public int SearchLimit { get; set; } = 50;

    /// <summary>Pages of <see cref="MaxPageLimit"/> spans fetched at most for one full trace (each page is one request of the ~300/hour).</summary>
    public int MaxTracePages { get; set; } = 2;

    /// <summary>ApiUrl and UiUrl from the section's Site (datadoghq.com unless set), where not written out.</summary>
    internal static IEnumerable<(string Key, string? Value)> Defaults(IConfigurationSection section)
    {
        var site = string.IsNullOrWhiteSpace(section["Site"]) ? DefaultSite : section["Site"]!;
        return [("ApiUrl", ApiUrlFor(site).AbsoluteUri), ("UiUrl", UiUrlFor(site).AbsoluteUri)];
    }

    /// <summary>The API host of a site: always <c>api.</c> + site.</summary>
    public static Uri ApiUrlFor(string site) => new($"https://api.{site.Trim().TrimEnd('/')}/");

    /// <summary>
    /// The UI host of a site: sites with their own subdomain (us3.datadoghq.com, ap1.datadoghq.com) serve the UI there,
    /// the others under <c>app.</c> (app.datadoghq.com, app.datadoghq.eu, app.ddog-gov.com).
    /// </summary>
    public static Uri UiUrlFor(string site)
    {
        var host = site.Trim().TrimEnd('/');
        return new Uri(host.Count(c => c == '.') >= 2 ? $"https://{host}/" : $"https://app.{host}/");
    }

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (string.IsNullOrWhiteSpace(Site) || Site.Contains("://", StringComparison.Ordinal) || Site.Contains('/', StringComparison.Ordinal))
            yield return $"Site must be a Datadog site host such as datadoghq.com, datadoghq.eu or us3.datadoghq.com, got '{Site}'";
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required: a Datadog API key (Organization Settings → API Keys), sent as DD-API-KEY";
        if (string.IsNullOrWhiteSpace(AppKey))
            yield return "AppKey is required: a Datadog application key with the apm_read scope (Organization Settings → Application Keys), sent as DD-APPLICATION-KEY";
        if (SlowThreshold <= TimeSpan.Zero)
            yield return $"SlowThreshold must be positive (e.g. 00:00:00.500 for 500ms), got {SlowThreshold}";
        if (SearchLimit is < 1 or > MaxPageLimit)
            yield return $"SearchLimit must be between 1 and {MaxPageLimit}, got {SearchLimit}";
        if (MaxTracePages is < 1 or > 10)
            yield return $"MaxTracePages must be between 1 and 10, got {MaxTracePages}";
    }
}
