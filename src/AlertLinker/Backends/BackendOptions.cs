using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Backends;

/// <summary>Keys every backend instance has (<c>AlertLinker:Backends:&lt;name&gt;</c>). Each type adds its own.</summary>
public class BackendOptions
{
    [Required]
    public string Type { get; set; } = "";

    /// <summary>Where the search API is.</summary>
    public Uri? ApiUrl { get; set; }

    /// <summary>Where links point (the UI); defaults to ApiUrl.</summary>
    public Uri? UiUrl { get; set; }

    /// <summary>Extra headers for API calls (auth proxies, X-Scope-OrgID…). Values are secrets: never logged.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Timeout of one HTTP attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Type-specific checks beyond the attributes; yield one actionable message per problem.</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (ApiUrl is null)
            yield return "ApiUrl is required (the backend's API base URL, e.g. http://jaeger:16686/)";
        else if (ApiUrl.Scheme is not ("http" or "https"))
            yield return $"ApiUrl must be an absolute http(s) URL, got '{ApiUrl}'";
        if (UiUrl is not null && UiUrl.Scheme is not ("http" or "https"))
            yield return $"UiUrl must be an absolute http(s) URL, got '{UiUrl}'";
    }

    /// <summary>
    /// Checks of keys that name other backend entries (<paramref name="configured"/>: every entry under
    /// <c>AlertLinker:Backends</c>, this one included, with its Type), so a typo fails at start-up rather than at the first alert.
    /// </summary>
    public virtual IEnumerable<string> ValidateReferences(IReadOnlyDictionary<string, string?> configured) => [];

    /// <summary>The UI base: UiUrl, else ApiUrl.</summary>
    public Uri UiBase => UiUrl ?? ApiUrl ?? throw new InvalidOperationException("validated options have an ApiUrl");
}
