using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Analysis;

/// <summary>
/// Knobs of <see cref="TraceAnalyzer"/>. Bindable (e.g. from <c>AlertLinker:Analysis</c>), but the defaults are meant
/// to be right for a Slack message; out-of-range values are clamped by the analyzer rather than rejected.
/// </summary>
public sealed class AnalysisOptions
{
    public const string SectionName = "AlertLinker:Analysis";

    /// <summary>How many siblings with the same normalized statement or operation make a fan-out (N+1).</summary>
    [Range(2, 100_000)]
    public int FanOutThreshold { get; set; } = 10;

    /// <summary>How many fan-outs are reported, the costliest first.</summary>
    [Range(0, 100)]
    public int MaxFanOuts { get; set; } = 3;

    /// <summary>How many retry cascades are reported, the costliest first.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The waterfall never has more lines than this (trailer and "…" lines included).</summary>
    [Range(MinWaterfallLines, 200)]
    public int WaterfallMaxLines { get; set; } = 12;

    /// <summary>No waterfall line is wider than this many characters (text elements, so an emoji is never cut in half).</summary>
    [Range(MinWaterfallWidth, 1000)]
    public int WaterfallMaxWidth { get; set; } = 100;

    /// <summary>
    /// Off only for the benchmark's baseline: the analysis without retries, cache misses and broken context, so their
    /// cost is a ratio measured in the same run (a shared machine's load cancels out).
    /// </summary>
    internal bool ReadRetriesCachesAndContext { get; set; } = true;

    internal const int MinWaterfallLines = 4;
    internal const int MinWaterfallWidth = 30;
}
