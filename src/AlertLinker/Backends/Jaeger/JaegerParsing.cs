using System.Text.Json;

namespace AlertLinker.Backends.Jaeger;

/// <summary>
/// Turns Jaeger's search answers into <see cref="TraceSummary"/> (without links: the backend adds those).
/// Pure, so every real fixture can be parsed in a test.
/// </summary>
internal static class JaegerParsing
{
    /// <summary>v1 <c>GET /api/traces</c>: <c>{"data":[trace…], "errors":…}</c>, times in µs.</summary>
    public static IReadOnlyList<TraceSummary> ParseV1Traces(string json)
    {
        var envelope = JsonSerializer.Deserialize<V1Envelope>(json, BackendHttp.Json)
            ?? throw new JsonException("empty v1 response");
        if (envelope.Data is not { Count: > 0 } && envelope.Errors is { Count: > 0 } errors)
            throw new JsonException("Jaeger reported errors: " + string.Join("; ", errors.Select(e => e.Msg)));
        return (envelope.Data ?? []).Select(SummarizeV1).OfType<TraceSummary>().ToList();
    }

    /// <summary>One v1 UI-model trace (an element of <c>data[]</c>).</summary>
    public static TraceSummary? SummarizeV1(V1Trace trace)
    {
        var spans = trace.Spans ?? [];
        var traceId = trace.TraceID ?? spans.FirstOrDefault(s => s.TraceID is not null)?.TraceID;
        if (traceId is null)
            return null;
        if (spans.Count == 0)
            return new TraceSummary(TraceIds.Normalize(traceId), null, null, null, null, false, null);

        var spanIds = spans.Select(s => s.SpanID).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        // The root has no parent inside this trace (a reference into another trace does not make a parent).
        var root = spans
            .Where(s => !(s.References ?? []).Any(r => r.SpanID is not null && spanIds.Contains(r.SpanID)
                && string.Equals(r.TraceID ?? traceId, traceId, StringComparison.OrdinalIgnoreCase)))
            .DefaultIfEmpty(spans.MinBy(s => s.StartTime)!)
            .MinBy(s => s.StartTime)!;
        var start = spans.Min(s => s.StartTime);
        var end = spans.Max(s => s.StartTime + s.Duration);
        string? service = null;
        if (root.ProcessID is not null && trace.Processes?.TryGetValue(root.ProcessID, out var process) == true)
            service = process.ServiceName;
        return new TraceSummary(
            TraceIds.Normalize(traceId),
            service,
            root.OperationName,
            BackendTime.FromUnixMicroseconds(start),
            BackendTime.FromMicroseconds(end - start),
            spans.Any(IsErrorV1),
            null);
    }

    /// <summary>Jaeger marks errors with the tag error=true; OTLP-fed Jaeger also with otel.status_code=ERROR.</summary>
    private static bool IsErrorV1(V1Span span) =>
        (span.Tags ?? []).Any(tag => tag.Key switch
        {
            "error" => tag.Value.ValueKind == JsonValueKind.True
                || (tag.Value.ValueKind == JsonValueKind.String && string.Equals(tag.Value.GetString(), "true", StringComparison.OrdinalIgnoreCase)),
            "otel.status_code" => tag.Value.ValueKind == JsonValueKind.String
                && string.Equals(tag.Value.GetString(), "ERROR", StringComparison.OrdinalIgnoreCase),
            _ => false,
        });

    /// <summary>api_v3 <c>GET /api/v3/traces</c>: <c>{"result":{"resourceSpans":[…]}}</c>, spans of many traces mixed.</summary>
    public static IReadOnlyList<TraceSummary> ParseV3Traces(string json)
    {
        var envelope = JsonSerializer.Deserialize<V3Envelope>(json, BackendHttp.Json)
            ?? throw new JsonException("empty api_v3 response");
        var spans = new List<(OtlpSpan Span, string? Service)>();
        foreach (var resourceSpans in envelope.Result?.ResourceSpans ?? [])
        {
            var service = resourceSpans.Resource?.Attributes?
                .FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue;
            foreach (var scope in resourceSpans.ScopeSpans ?? [])
            {
                foreach (var span in scope.Spans ?? [])
                {
                    if (span.TraceId is not null)
                        spans.Add((span, service));
                }
            }
        }

        return spans
            .GroupBy(s => TraceIds.Normalize(s.Span.TraceId!), StringComparer.Ordinal)
            .Select(trace =>
            {
                var ids = trace.Select(s => s.Span.SpanId).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
                var root = trace
                    .Where(s => string.IsNullOrEmpty(s.Span.ParentSpanId) || !ids.Contains(s.Span.ParentSpanId))
                    .DefaultIfEmpty(trace.First())
                    .MinBy(s => s.Span.StartTimeUnixNano ?? long.MaxValue);
                var starts = trace.Select(s => s.Span.StartTimeUnixNano).OfType<long>().ToList();
                var ends = trace.Select(s => s.Span.EndTimeUnixNano).OfType<long>().ToList();
                DateTimeOffset? start = starts.Count > 0 ? BackendTime.FromUnixNanoseconds(starts.Min()) : null;
                TimeSpan? duration = starts.Count > 0 && ends.Count > 0
                    ? BackendTime.FromNanoseconds(ends.Max() - starts.Min())
                    : null;
                return new TraceSummary(
                    trace.Key,
                    root.Service,
                    root.Span.Name,
                    start,
                    duration,
                    trace.Any(s => IsErrorStatus(s.Span.Status)),
                    null);
            })
            .ToList();
    }

    /// <summary>OTLP status code 2 (ERROR); jsonpb may also write the enum name.</summary>
    private static bool IsErrorStatus(OtlpStatus? status) =>
        status?.Code.ValueKind switch
        {
            JsonValueKind.Number => status.Code.TryGetInt32(out var code) && code == 2,
            JsonValueKind.String => status.Code.GetString() is "STATUS_CODE_ERROR" or "2",
            _ => false,
        };

    /// <summary>api_v3 <c>GET /api/v3/trace-summaries</c>: <c>{"summaries":[…]}</c>, times in ns as strings.</summary>
    public static IReadOnlyList<TraceSummary> ParseTraceSummaries(string json)
    {
        var envelope = JsonSerializer.Deserialize<SummariesEnvelope>(json, BackendHttp.Json)
            ?? throw new JsonException("empty trace-summaries response");
        return (envelope.Summaries ?? [])
            .Where(s => !string.IsNullOrEmpty(s.TraceId))
            .Select(s => new TraceSummary(
                TraceIds.Normalize(s.TraceId!),
                NullIfEmpty(s.RootServiceName),
                NullIfEmpty(s.RootOperationName),
                s.MinStartTimeUnixNano is { } start and > 0 ? BackendTime.FromUnixNanoseconds(start) : null,
                s is { MinStartTimeUnixNano: > 0, MaxEndTimeUnixNano: > 0 }
                    ? BackendTime.FromNanoseconds(s.MaxEndTimeUnixNano.Value - s.MinStartTimeUnixNano.Value)
                    : null,
                s.ErrorSpanCount > 0,
                null))
            .ToList();
    }

    /// <summary>
    /// Whether a 404 from api_v3 is its answer to a search that found nothing (its error envelope
    /// <c>{"error":{"httpCode":404,"message":"No traces found"}}</c>) rather than a server without the route.
    /// </summary>
    public static bool IsV3EmptySearch(string body)
    {
        if (body.Contains("No traces found", StringComparison.OrdinalIgnoreCase))
            return true;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a 404 from v1 trace-by-id is Jaeger saying the trace is gone (its envelope
    /// <c>{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}</c>) rather than a server without the route.
    /// </summary>
    public static bool IsV1NotFound(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal sealed record V1Envelope(List<V1Trace>? Data, List<V1Error>? Errors);

    internal sealed record V1Error(int Code, string? Msg);

    internal sealed record V1Trace(string? TraceID, List<V1Span>? Spans, Dictionary<string, V1Process>? Processes);

    internal sealed record V1Span(
        string? TraceID,
        string? SpanID,
        string? OperationName,
        List<V1Reference>? References,
        long StartTime,
        long Duration,
        string? ProcessID,
        List<V1Tag>? Tags);

    internal sealed record V1Reference(string? RefType, string? TraceID, string? SpanID);

    internal sealed record V1Tag(string? Key, string? Type, JsonElement Value);

    internal sealed record V1Process(string? ServiceName);

    internal sealed record V3Envelope(V3Result? Result);

    internal sealed record V3Result(List<OtlpResourceSpans>? ResourceSpans);

    internal sealed record OtlpResourceSpans(OtlpResource? Resource, List<OtlpScopeSpans>? ScopeSpans);

    internal sealed record OtlpResource(List<OtlpKeyValue>? Attributes);

    internal sealed record OtlpKeyValue(string? Key, OtlpAnyValue? Value);

    internal sealed record OtlpAnyValue(string? StringValue);

    internal sealed record OtlpScopeSpans(List<OtlpSpan>? Spans);

    internal sealed record OtlpSpan(
        string? TraceId,
        string? SpanId,
        string? ParentSpanId,
        string? Name,
        long? StartTimeUnixNano,
        long? EndTimeUnixNano,
        OtlpStatus? Status);

    internal sealed record OtlpStatus(JsonElement Code);

    internal sealed record SummariesEnvelope(List<V3Summary>? Summaries);

    internal sealed record V3Summary(
        string? TraceId,
        string? RootServiceName,
        string? RootOperationName,
        long? MinStartTimeUnixNano,
        long? MaxEndTimeUnixNano,
        int SpanCount,
        int ErrorSpanCount);
}
