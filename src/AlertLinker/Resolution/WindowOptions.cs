using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Resolution;

/// <summary>
/// <c>AlertLinker:Enrichment:Lookback</c> and <c>:Pad</c>: the window around an alert to look for traces in.
/// They share the enrichment section in configuration; resolution is the stage that reads them.
/// </summary>
public sealed class WindowOptions
{
    public const string SectionName = "AlertLinker:Enrichment";

    /// <summary>How far before the alert started to look for traces.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far after the alert ended (or now) to look.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Pad { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks <see cref="WindowOptions"/> at start-up (source-generated).</summary>
[OptionsValidator]
internal sealed partial class WindowOptionsValidator : IValidateOptions<WindowOptions>;
