using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Pipeline;

/// <summary><c>AlertLinker:Enrichment</c>: the window around an alert and what enrichment may cost.</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "AlertLinker:Enrichment";

    /// <summary>How far before the alert started to look for traces.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far after the alert ended (or now) to look.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Pad { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time all backends together may take for one alert; a slow backend loses its section, not the message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many exemplar traces each backend contributes.</summary>
    [Range(1, 20)]
    public int Exemplars { get; set; } = 3;

    /// <summary>
    /// How long a backend's answer (exemplar search by backend, service, operation, window minute and, for Prometheus
    /// exemplars, expression; whole trace by id) is reused for later alerts; 0 shares only requests still running.
    /// Storms cost one query per distinct question.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);
}
