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

    public DateTimeOffset End => Start + Duration;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;
}

public enum SpanStatus
{
    Unset,
    Ok,
    Error,
}
