using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Resolution;

/// <summary><c>AlertLinker:Services</c>: how an alert's labels name its service and operation.</summary>
public sealed class ServiceOptions : IValidatableObject
{
    public const string SectionName = "AlertLinker:Services";

    public static readonly IReadOnlyList<string> DefaultLabelPrecedence =
        ["service", "service_name", "service.name", "job", "app_kubernetes_io_name", "app"];

    public static readonly IReadOnlyList<string> DefaultOperationLabels =
        ["operation", "route", "http_route", "endpoint", "handler", "span_name"];

    /// <summary>Labels that may name the service, first match wins. Empty = the defaults.</summary>
    public List<string> LabelPrecedence { get; set; } = [];

    /// <summary>Raw label value → the service name the tracing backends know ("checkout-svc" → "checkout"). Case-insensitive.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Labels that may name the operation/route, first match wins. Empty = the defaults.</summary>
    public List<string> OperationLabels { get; set; } = [];

    /// <summary>
    /// The alias entry that maps an alert's service label value to the name a tracing backend knows, as a config line
    /// to paste: <c>AlertLinker:Services:Aliases:billing = billing-service</c> (env: <c>AlertLinker__Services__Aliases__billing</c>).
    /// </summary>
    public static string AliasLine(string labelValue, string knownName) => $"{SectionName}:{nameof(Aliases)}:{labelValue} = {knownName}";

    public IReadOnlyList<string> EffectiveLabelPrecedence => LabelPrecedence.Count > 0 ? LabelPrecedence : DefaultLabelPrecedence;

    public IReadOnlyList<string> EffectiveOperationLabels => OperationLabels.Count > 0 ? OperationLabels : DefaultOperationLabels;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LabelPrecedence.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult($"{SectionName}:LabelPrecedence holds an empty label name; list label names such as service, job", [nameof(LabelPrecedence)]);
        if (OperationLabels.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult($"{SectionName}:OperationLabels holds an empty label name; list label names such as route, operation", [nameof(OperationLabels)]);
    }
}

/// <summary>Checks <see cref="ServiceOptions"/> at start-up (source-generated; runs <see cref="IValidatableObject"/> too).</summary>
[OptionsValidator]
internal sealed partial class ServiceOptionsValidator : IValidateOptions<ServiceOptions>;
