namespace AlertLinker.Backends.Lightstep;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Lightstep</c> (ServiceNow Cloud Observability):
/// ApiUrl defaults to https://api.lightstep.com/, UiUrl to https://app.lightstep.com/.
/// </summary>
public sealed class LightstepOptions : BackendOptions
{
    public const string DefaultApiUrl = "https://api.lightstep.com/";
    public const string DefaultUiUrl = "https://app.lightstep.com/";

    /// <summary>The organization id as in API URLs (Account settings).</summary>
    public string? Organization { get; set; }

    /// <summary>The project name as in UI and API URLs.</summary>
    public string? Project { get; set; }

    /// <summary>An API key with read access (Project settings → API keys); sent as a bearer token, never logged.</summary>
    public string? ApiKey { get; set; }

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (string.IsNullOrWhiteSpace(Organization))
            yield return "Organization is required: your Cloud Observability organization id (as in https://api.lightstep.com/public/v0.2/<organization>/…)";
        if (string.IsNullOrWhiteSpace(Project))
            yield return "Project is required: the project name (as in https://app.lightstep.com/<project>/…)";
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required: a Cloud Observability API key with read access (Project settings → API keys)";
    }
}
