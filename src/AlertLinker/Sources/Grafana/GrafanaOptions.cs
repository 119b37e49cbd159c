using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Sources.Grafana;

/// <summary><c>AlertLinker:Sources:Grafana</c>.</summary>
public sealed class GrafanaOptions : WebhookSourceOptions
{
    public const string SectionName = "AlertLinker:Sources:Grafana";

    /// <summary>
    /// The contact point's HMAC secret (<c>hmac_config.secret</c>). When set, every call must carry a valid
    /// <see cref="SignatureHeader"/>. A secret: never logged.
    /// </summary>
    public string? SigningSecret { get; set; }

    [Required, MinLength(1)]
    public string SignatureHeader { get; set; } = "X-Grafana-Alerting-Signature";

    /// <summary>
    /// The contact point's <c>timestamp_header</c> (e.g. X-Grafana-Alerting-Timestamp). When set, the signed message is
    /// <c>timestamp + ":" + body</c> and old timestamps are refused (replay); when empty the body alone is signed.
    /// </summary>
    public string? TimestampHeader { get; set; }

    /// <summary>How far a signed timestamp (Unix seconds) may be from our clock.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan MaxTimestampSkew { get; set; } = TimeSpan.FromMinutes(5);

    public bool VerifiesSignature => !string.IsNullOrEmpty(SigningSecret);

    public override bool HasCredentials => base.HasCredentials || VerifiesSignature;

    public override string CredentialKeys => "BearerToken, BasicAuth, or SigningSecret";
}
