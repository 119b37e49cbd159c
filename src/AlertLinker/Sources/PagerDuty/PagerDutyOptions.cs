using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Sources.PagerDuty;

/// <summary><c>AlertLinker:Sources:PagerDuty</c>.</summary>
public sealed class PagerDutyOptions : WebhookSourceOptions
{
    public const string SectionName = "AlertLinker:Sources:PagerDuty";

    /// <summary>
    /// The webhook subscription's signing secrets, used as UTF-8 bytes as-is. During a rotation both are listed;
    /// a delivery is accepted when any <c>v1=</c> signature matches any secret. Secrets: never logged.
    /// </summary>
    public List<string> SigningSecrets { get; set; } = [];

    /// <summary>
    /// Optional REST API key (read-only is enough). When set, the incident's alerts are fetched
    /// (<c>GET /incidents/{id}/alerts</c>) so their custom details (service, operation, tenant…) become labels. A secret.
    /// </summary>
    public string? ApiToken { get; set; }

    public Uri ApiUrl { get; set; } = new("https://api.pagerduty.com/");

    /// <summary>Timeout of one REST attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The whole details look-up, retries included. It runs on the delivery side (the webhook's 202 never waits for
    /// it) and bounds how long a PagerDuty API in trouble delays the message; when it runs out the incident is
    /// delivered without its custom details.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:04")]
    public TimeSpan DetailsBudget { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>The configured secrets without empty entries (an unset environment variable binds as one).</summary>
    public IReadOnlyList<string> EffectiveSigningSecrets => SigningSecrets.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();

    public bool FetchesDetails => !string.IsNullOrEmpty(ApiToken);

    /// <summary>Signing secrets count as credentials; Bearer/Basic (via the subscription's custom headers) may be added.</summary>
    public override bool HasCredentials => base.HasCredentials || SigningSecrets.Any(s => !string.IsNullOrWhiteSpace(s));

    public override string CredentialKeys => "SigningSecrets (the V3 subscription's secret)";
}
