using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends;

/// <summary>
/// <c>AlertLinker:Enrichment</c>: what enrichment may cost (budget, exemplars per backend, how long answers are reused).
/// The window around the alert (Lookback, Pad) in the same section belongs to resolution: <c>WindowOptions</c>.
/// </summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "AlertLinker:Enrichment";

    /// <summary>Time all backends together may take for one alert; a slow backend loses its section, not the message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many exemplar traces each backend contributes.</summary>
    [Range(1, 20)]
    public int Exemplars { get; set; } = 3;

    /// <summary>
    /// How long a backend's answer (exemplar search by backend, service, operation, window and, for Prometheus
    /// exemplars, expression; whole trace by id) is reused after it was last used; 0 shares only requests still
    /// running. Every alert that uses an answer keeps it, so a storm shares one answer for as long as it lasts.
    /// Storms cost one query per distinct question.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Two exemplar searches ask the same question when their windows' starts and ends each differ by at most this:
    /// alerts of one storm start seconds to minutes apart, and their windows overlap almost entirely.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheWindowTolerance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The span (or resource) attributes the slow or failing traces of a search are compared on with the others
    /// ("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others"). Empty = the defaults: tenant.id, customer.id,
    /// user.id, order.id, region, cloud.region, service.version, deployment.environment, k8s.pod.name, host.name,
    /// http.route, db.statement (normalized).
    /// </summary>
    public List<string> BusinessKeys { get; set; } = [];

    /// <summary><see cref="BusinessKeys"/>, or the defaults when it names none.</summary>
    public IReadOnlyList<string> EffectiveBusinessKeys =>
        BusinessKeys.Count > 0 ? BusinessKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).Distinct(StringComparer.Ordinal).ToList() : Analysis.TraceProfiles.DefaultKeys;
}

/// <summary>Checks <see cref="EnrichmentOptions"/> at start-up (source-generated, like every options class's validator).</summary>
[OptionsValidator]
internal sealed partial class EnrichmentOptionsValidator : IValidateOptions<EnrichmentOptions>;
