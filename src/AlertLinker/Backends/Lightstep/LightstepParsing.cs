using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Backends.Lightstep;

/// <summary>
/// The stored-traces answer (JSON:API: <c>data[].attributes.spans[]</c> and <c>relationships.reporters[]</c>) as a
/// normalized <see cref="Trace"/>. Pure. The span's <c>trace-id</c> is Lightstep's 64-bit id; OpenTelemetry spans keep
/// the full 128-bit id in the <c>otlp.trace_id</c> tag, and their parent in <c>parent_span_guid</c>.
/// </summary>
internal static class LightstepParsing
{
    public static Trace? ParseStoredTraces(string json)
    {
        var response = JsonSerializer.Deserialize<StoredTracesResponse>(json, BackendHttp.Json)
            ?? throw new JsonException("empty stored-traces response");
        var stored = response.Data?.FirstOrDefault(d => d.Attributes?.Spans is { Count: > 0 });
        if (stored is null)
            return null;
        var services = (stored.Relationships?.Reporters ?? [])
            .Where(r => !string.IsNullOrEmpty(r.ReporterId))
            .GroupBy(r => r.ReporterId!)
            .ToDictionary(g => g.Key, g => ServiceOf(g.First().Attributes));

        var spans = stored.Attributes!.Spans!
            .Where(s => !string.IsNullOrEmpty(s.SpanId))
            .Select(s => ToSpan(s, services))
            .OrderBy(s => s.Start)
            .ToList();
        // One trace id for all spans: the 128-bit one where any span carries it.
        var traceId = spans.Select(s => s.TraceId).OrderByDescending(id => id.Length).First();
        return new Trace(traceId, spans.Select(s => s with { TraceId = traceId }).ToList());
    }

    private static Span ToSpan(StoredSpan span, Dictionary<string, string?> services)
    {
        var tags = (span.Tags ?? []).ToDictionary(
            t => t.Key,
            t => t.Value.ValueKind == JsonValueKind.String ? t.Value.GetString()! : t.Value.GetRawText(),
            StringComparer.Ordinal);
        var traceId = TraceIds.Normalize(tags.GetValueOrDefault("otlp.trace_id") ?? span.TraceId ?? "");
        var start = BackendTime.FromUnixMicroseconds(span.StartTimeMicros);
        var duration = BackendTime.FromMicroseconds(Math.Max(0, span.EndTimeMicros - span.StartTimeMicros));
        var service = tags.GetValueOrDefault("service.name")
            ?? (span.ReporterId is not null ? services.GetValueOrDefault(span.ReporterId) : null)
            ?? "unknown";
        var parent = tags.GetValueOrDefault("parent_span_guid");
        return new Span(
            traceId,
            TraceIds.Normalize(span.SpanId!),
            string.IsNullOrEmpty(parent) ? null : TraceIds.Normalize(parent),
            service,
            span.SpanName ?? "unknown",
            start,
            duration,
            span.IsError ? SpanStatus.Error : SpanStatus.Unset,
            tags)
        {
            Kind = tags.GetValueOrDefault("span.kind"),
            StatusMessage = span.IsError ? tags.GetValueOrDefault("error.message") ?? tags.GetValueOrDefault("otel.status_description") : null,
        };
    }

    private static string? ServiceOf(Dictionary<string, JsonElement>? attributes)
    {
        foreach (var key in new[] { "service.name", "lightstep.component_name" })
        {
            if (attributes?.GetValueOrDefault(key) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } name)
                return name;
        }
        return null;
    }

    internal sealed record StoredTracesResponse(List<StoredTrace>? Data);

    internal sealed record StoredTrace(string? Id, StoredTraceAttributes? Attributes, Relationships? Relationships);

    internal sealed record StoredTraceAttributes(List<StoredSpan>? Spans);

    internal sealed record Relationships(List<Reporter>? Reporters);

    internal sealed record Reporter(
        [property: JsonPropertyName("reporter-id")] string? ReporterId,
        Dictionary<string, JsonElement>? Attributes);

    internal sealed record StoredSpan(
        [property: JsonPropertyName("span-id")] string? SpanId,
        [property: JsonPropertyName("trace-id")] string? TraceId,
        [property: JsonPropertyName("span-name")] string? SpanName,
        [property: JsonPropertyName("is-error")] bool IsError,
        [property: JsonPropertyName("start-time-micros")] long StartTimeMicros,
        [property: JsonPropertyName("end-time-micros")] long EndTimeMicros,
        [property: JsonPropertyName("reporter-id")] string? ReporterId,
        Dictionary<string, JsonElement>? Tags);
}
