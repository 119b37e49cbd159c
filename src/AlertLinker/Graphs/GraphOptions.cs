using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Graphs;

/// <summary>
/// <c>AlertLinker:Graphs</c>: the alert's expression drawn as a PNG. Prometheus is <see cref="PrometheusUrl"/>, else the
/// ApiUrl (and Headers) of the first <c>PrometheusExemplars</c> backend; with neither, no graph is drawn.
/// </summary>
public sealed class GraphOptions : IValidatableObject
{
    public const string SectionName = "AlertLinker:Graphs";

    /// <summary>Off: no query, no picture, messages exactly as without graphs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Prometheus's API base (query_range); overrides the PrometheusExemplars backend's ApiUrl.</summary>
    public Uri? PrometheusUrl { get; set; }

    /// <summary>Where graph links open (Prometheus's UI); defaults to the backend's UiUrl, else the API URL.</summary>
    public Uri? UiUrl { get; set; }

    /// <summary>Extra headers for query_range (auth proxies). Values are secrets: never logged.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>
    /// An annotation holding the PromQL for alerts whose generatorURL carries none (Grafana-managed rules, vmalert),
    /// e.g. <c>expression</c>. Null: only generatorURL.
    /// </summary>
    public string? ExpressionAnnotation { get; set; }

    /// <summary>About this many points per series: the query_range step is the window divided by it.</summary>
    [Range(20, 2000)]
    public int Points { get; set; } = 200;

    [Range(200, 2000)]
    public int Width { get; set; } = 800;

    [Range(100, 1200)]
    public int Height { get; set; } = 400;

    /// <summary>Series drawn and named; more are counted as "and N more".</summary>
    [Range(1, 10)]
    public int MaxSeries { get; set; } = 5;

    /// <summary>The largest query_range answer read, in bytes: a runaway expression cannot fill the memory.</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (key, url) in new[] { ("PrometheusUrl", PrometheusUrl), ("UiUrl", UiUrl) })
        {
            if (url is not null && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
                yield return new ValidationResult($"{SectionName}:{key} must be an absolute http(s) URL, got '{url}'", [key]);
        }
        if (ExpressionAnnotation is { } annotation && string.IsNullOrWhiteSpace(annotation))
            yield return new ValidationResult($"{SectionName}:ExpressionAnnotation must name an annotation (or be left out)", [nameof(ExpressionAnnotation)]);
    }
}

[OptionsValidator]
internal sealed partial class GraphOptionsValidator : IValidateOptions<GraphOptions>;
