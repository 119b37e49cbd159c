using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Sources.Opsgenie;

/// <summary>Where an Opsgenie alert names its service.</summary>
public enum OpsgenieServiceSource
{
    /// <summary>A tag <c>&lt;ServiceKey&gt;:&lt;name&gt;</c>, e.g. <c>service:checkout</c>.</summary>
    Tag,

    /// <summary>The alert's <c>entity</c>.</summary>
    Entity,

    /// <summary>The <c>details</c> value under <c>ServiceKey</c>.</summary>
    Details,
}

/// <summary><c>AlertLinker:Sources:Opsgenie</c>.</summary>
public sealed class OpsgenieOptions : WebhookSourceOptions
{
    public const string SectionName = "AlertLinker:Sources:Opsgenie";

    /// <summary>A shared-secret header the webhook integration sends (Opsgenie has no signing): its name…</summary>
    public string? HeaderName { get; set; }

    /// <summary>…and its value. A secret: never logged.</summary>
    public string? HeaderValue { get; set; }

    public OpsgenieServiceSource ServiceSource { get; set; } = OpsgenieServiceSource.Tag;

    /// <summary>The tag prefix (before the colon) or details key that names the service.</summary>
    [Required, MinLength(1)]
    public string ServiceKey { get; set; } = "service";

    public bool HasHeader => !string.IsNullOrEmpty(HeaderName) && !string.IsNullOrEmpty(HeaderValue);

    internal bool HeaderIsConsistent => string.IsNullOrEmpty(HeaderName) == string.IsNullOrEmpty(HeaderValue);

    public override bool HasCredentials => base.HasCredentials || HasHeader;

    public override string CredentialKeys => "BearerToken, BasicAuth, or HeaderName + HeaderValue";
}
