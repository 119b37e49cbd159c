namespace AlertLinker.Backends.PrometheusExemplars;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = PrometheusExemplars</c>: ApiUrl is Prometheus
/// (started with <c>--enable-feature=exemplar-storage</c>), UiUrl where graph links open (defaults to ApiUrl).
/// </summary>
public sealed class PrometheusExemplarsOptions : BackendOptions
{
    /// <summary>This backend's Type (the backend's TypeName): a TraceBackend of this type has no trace view.</summary>
    internal const string BackendTypeName = "PrometheusExemplars";

    /// <summary>Where the trace id sits in exemplar labels: OTLP writes trace_id, Tempo span metrics traceID.</summary>
    public static readonly IReadOnlyList<string> DefaultTraceIdLabels = ["trace_id", "traceID", "traceId"];

    /// <summary>Name of the backend (another <c>AlertLinker:Backends</c> entry) whose trace view exemplar links open.</summary>
    public string? TraceBackend { get; set; }

    /// <summary>Exemplar label names holding the trace id, matched case-insensitively; null or empty for the defaults.</summary>
    // An array left null rather than a pre-filled list: the configuration binder appends to existing lists.
    public string[]? TraceIdLabels { get; set; }

    public IReadOnlyList<string> EffectiveTraceIdLabels =>
        TraceIdLabels is { Length: > 0 } labels ? labels : DefaultTraceIdLabels;

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (string.IsNullOrWhiteSpace(TraceBackend))
            yield return "TraceBackend is required: the name of the backend entry (e.g. \"tempo\" for AlertLinker:Backends:tempo) "
                + "whose trace view the exemplar trace ids link to";
        if (TraceIdLabels?.Any(string.IsNullOrWhiteSpace) == true)
            yield return "TraceIdLabels must not contain empty names (leave it out for the defaults trace_id, traceID, traceId)";
    }

    public override IEnumerable<string> ValidateReferences(IReadOnlyDictionary<string, string?> configured)
    {
        if (string.IsNullOrWhiteSpace(TraceBackend))
            yield break;
        var viewers = configured.Where(b => !string.Equals(b.Value, BackendTypeName, StringComparison.OrdinalIgnoreCase))
            .Select(b => b.Key).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var write = viewers.Count == 0 ? "configure a tracing backend (Jaeger, Tempo…) and name it here" : $"write one of: {string.Join(", ", viewers)}";
        if (!configured.TryGetValue(TraceBackend, out var type))
            yield return $"TraceBackend is '{TraceBackend}', but there is no AlertLinker:Backends:{TraceBackend}; {write}";
        else if (string.Equals(type, BackendTypeName, StringComparison.OrdinalIgnoreCase))
            yield return $"TraceBackend is '{TraceBackend}', a {type} backend, which has no trace view; {write}";
    }
}
