using System.Text.Json;

namespace AlertLinker.Backends.Jaeger;

/// <summary>
/// Jaeger's v1 JSON (UI model) → <see cref="Trace"/>: <c>GET /api/traces/{id}</c> answers <c>{"data":[trace]}</c>;
/// a bare trace object is read too. Times in µs, the parent is the CHILD_OF reference inside the trace, the service
/// comes from <c>processes</c>, errors from the tag <c>error=true</c> or <c>otel.status_code=ERROR</c>. Pure; odd
/// input throws only <see cref="TraceFormatException"/>.
/// </summary>
internal static class JaegerTraceParser
{
    public static Trace Parse(string json) =>
        TraceFormatException.Guard("Jaeger JSON", () =>
        {
            using var document = TraceJson.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"a Jaeger answer is an object, got {root.ValueKind}");
            var trace = TraceJson.Property(root, "data") is { } data
                ? TraceJson.Array(root, "data").FirstOrDefault()
                : root;
            return trace.ValueKind == JsonValueKind.Object ? ReadTrace(trace) : new Trace("", []);
        });

    /// <summary>Every trace of a v1 search answer (<c>{"data":[trace, …]}</c>): the search returns traces whole.</summary>
    public static IReadOnlyList<Trace> ParseAll(string json) =>
        TraceFormatException.Guard("Jaeger JSON", () =>
        {
            using var document = TraceJson.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"a Jaeger answer is an object, got {root.ValueKind}");
            return TraceJson.Array(root, "data")
                .Where(t => t.ValueKind == JsonValueKind.Object)
                .Select(ReadTrace)
                .Where(t => t.Spans.Count > 0)
                .ToList();
        });

    private static Trace ReadTrace(JsonElement trace)
    {
        var processes = new Dictionary<string, string>(StringComparer.Ordinal);
        // Process tags (hostname, service.version, sampler.type…) are the process's, not the span's: the span's Resource.
        var processTags = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (TraceJson.Property(trace, "processes") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var process in map.EnumerateObject())
            {
                if (TraceJson.String(process.Value, "serviceName") is { Length: > 0 } service)
                    processes[process.Name] = service;
                if (Tags(TraceJson.Array(process.Value, "tags")) is { Count: > 0 } tags)
                    processTags[process.Name] = tags;
            }
        }

        var traceId = TraceJson.String(trace, "traceID");
        var spans = new List<Span>();
        foreach (var json in TraceJson.Array(trace, "spans"))
        {
            if (json.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"a span is an object, got {json.ValueKind}");
            var spanTraceId = TraceJson.String(json, "traceID") ?? traceId;
            var spanId = TraceJson.SpanId(TraceJson.String(json, "spanID"));
            if (string.IsNullOrWhiteSpace(spanTraceId) || spanId is null)
                continue;
            spanTraceId = TraceIds.Normalize(spanTraceId);

            var tags = Tags(TraceJson.Array(json, "tags"));
            var processId = TraceJson.String(json, "processID");
            var service = processId is not null && processes.TryGetValue(processId, out var known)
                ? known
                : TraceJson.Property(json, "process") is { } inline ? TraceJson.String(inline, "serviceName") : null;
            var failed = tags.GetValueOrDefault("error") is { } error && error.Equals("true", StringComparison.OrdinalIgnoreCase)
                || string.Equals(tags.GetValueOrDefault("otel.status_code"), "ERROR", StringComparison.OrdinalIgnoreCase);
            spans.Add(new Span(
                spanTraceId,
                spanId,
                Parent(json, spanTraceId),
                string.IsNullOrEmpty(service) ? Otlp.OtlpTraceParser.UnknownService : service,
                TraceJson.String(json, "operationName") ?? "",
                BackendTime.FromUnixMicroseconds(TraceJson.Microseconds(TraceJson.Int64(json, "startTime") ?? 0, "startTime")),
                BackendTime.FromMicroseconds(TraceJson.Microseconds(TraceJson.Int64(json, "duration") ?? 0, "duration")),
                failed ? SpanStatus.Error : string.Equals(tags.GetValueOrDefault("otel.status_code"), "OK", StringComparison.OrdinalIgnoreCase) ? SpanStatus.Ok : SpanStatus.Unset,
                tags)
            {
                Kind = tags.GetValueOrDefault("span.kind") is { Length: > 0 } kind ? kind.ToLowerInvariant() : null,
                StatusMessage = failed ? tags.GetValueOrDefault("otel.status_description") : null,
                Resource = processId is not null && processTags.TryGetValue(processId, out var resource) ? resource
                    : TraceJson.Property(json, "process") is { } inlineProcess && Tags(TraceJson.Array(inlineProcess, "tags")) is { Count: > 0 } inlineTags ? inlineTags
                    : new Dictionary<string, string>(),
            });
        }
        return new Trace(traceId is null ? spans.FirstOrDefault()?.TraceId ?? "" : TraceIds.Normalize(traceId), spans);
    }

    /// <summary>The CHILD_OF reference inside this trace, else FOLLOWS_FROM inside it; a reference to another trace is no parent.</summary>
    private static string? Parent(JsonElement span, string traceId)
    {
        var references = TraceJson.Array(span, "references")
            .Where(r => r.ValueKind == JsonValueKind.Object)
            .Where(r => TraceJson.String(r, "traceID") is not { } other || TraceIds.Normalize(other) == traceId)
            .ToList();
        var parent = references.FirstOrDefault(r => TraceJson.String(r, "refType") is null or "CHILD_OF");
        if (parent.ValueKind != JsonValueKind.Object)
            parent = references.FirstOrDefault();
        return parent.ValueKind == JsonValueKind.Object ? TraceJson.SpanId(TraceJson.String(parent, "spanID")) : null;
    }

    /// <summary>Typed tags (string, bool, int64 — as a string above 2^53 —, float64, binary base64) as text.</summary>
    private static Dictionary<string, string> Tags(IEnumerable<JsonElement> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (tag.ValueKind != JsonValueKind.Object || TraceJson.String(tag, "key") is not { Length: > 0 } key)
                continue;
            map.TryAdd(key, TraceJson.Property(tag, "value") switch
            {
                null => "",
                { ValueKind: JsonValueKind.String } s => s.GetString() ?? "",
                { ValueKind: JsonValueKind.True } => "true",
                { ValueKind: JsonValueKind.False } => "false",
                var other => other.Value.GetRawText(),
            });
        }
        return map;
    }
}
