using System.ComponentModel.DataAnnotations;
using AlertLinker.Sources;

namespace AlertLinker.Preview;

/// <summary>
/// <c>AlertLinker:Preview</c>: who may call <c>POST /api/preview</c>. Off until a <c>BearerToken</c>, <c>BasicAuth</c> or
/// <c>AllowAnonymous: true</c> is configured; a preview runs the backend searches, so it is not left open by accident.
/// </summary>
public sealed class PreviewOptions : WebhookSourceOptions
{
    public const string SectionName = "AlertLinker:Preview";

    /// <summary>Previews running at once; more get 429. Each one queries every backend like a real alert.</summary>
    [Range(1, 64)]
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>True when some way in is configured.</summary>
    public bool IsEnabled => AllowAnonymous || HasCredentials;
}
