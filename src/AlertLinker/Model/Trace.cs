namespace AlertLinker.Model;

/// <summary>A full trace in the one normalized shape every backend's parser produces and the analysis reads.</summary>
public sealed record Trace(string TraceId, IReadOnlyList<Span> Spans);

/// <summary>
/// One span. Ids are lowercase hex whatever the backend sent (base64 in Tempo, decimal in Datadog are converted by the parser).
/// <paramref name="ParentSpanId"/> is null for a root; a parent id that is not in the trace makes an orphan.
/// </summary>
public sealed record Span(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Service,
    string Operation,
    DateTimeOffset Start,
    TimeSpan Duration,
    SpanStatus Status,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>server, client, producer, consumer, internal, or null when the backend did not say.</summary>
    public string? Kind { get; init; }

    /// <summary>The error message or status description, when the span failed.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>
    /// Attributes of the process that wrote the span (OTLP resource, Jaeger process tags: <c>service.version</c>,
    /// <c>host.name</c>, <c>k8s.pod.name</c>…); empty where the backend sends none. Kept apart from
    /// <see cref="Attributes"/> so a span's own attributes stay what the span said.
    /// </summary>
    public IReadOnlyDictionary<string, string> Resource { get; init; } = EmptyResource;

    private static readonly IReadOnlyDictionary<string, string> EmptyResource = new Dictionary<string, string>();

    public DateTimeOffset End => Start + Duration;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    /// <summary>The span's attribute, else its process's (resource) attribute.</summary>
    public string? AttributeOrResource(string key) =>
        Attributes.TryGetValue(key, out var value) ? value : Resource.TryGetValue(key, out var resource) ? resource : null;
}

public enum SpanStatus
{
    Unset,
    Ok,
    Error,
}
