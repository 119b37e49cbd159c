using System.Text.Json;

namespace AlertLinker.Backends.Zipkin;

/// <summary>
/// Zipkin v2 JSON → <see cref="Trace"/>: a trace is an array of spans (<c>GET /api/v2/trace/{id}</c>), a search answer
/// an array of those. Times in µs; a span failed when it has the tag <c>error</c> (any value, even empty). Shared
/// spans (a client and a server half with one id) and skewed clocks are kept as sent: the analysis copes.
/// Pure; odd input throws only <see cref="TraceFormatException"/>.
/// </summary>
internal static class ZipkinTraceParser
{
    public static Trace Parse(string json, string? traceId = null) =>
        TraceFormatException.Guard("Zipkin v2", () =>
        {
            using var document = TraceJson.Parse(json);
            return ReadTrace(ArrayRoot(document.RootElement), traceId);
        });

    /// <summary><c>GET /api/v2/traces</c>: every trace of the answer, empty ones left out.</summary>
    public static IReadOnlyList<Trace> ParseTraces(string json) =>
        TraceFormatException.Guard("Zipkin v2 trace list", () =>
        {
            var traces = new List<Trace>();
            using var document = TraceJson.Parse(json);
            foreach (var trace in ArrayRoot(document.RootElement).EnumerateArray())
            {
                if (trace.ValueKind != JsonValueKind.Array)
                    throw new TraceFormatException($"a trace is an array of spans, got {trace.ValueKind}");
                if (ReadTrace(trace, null) is { Spans.Count: > 0 } read)
                    traces.Add(read);
            }
            return traces;
        });

    private static JsonElement ArrayRoot(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root : throw new TraceFormatException($"Zipkin answers an array, got {root.ValueKind}");

    private static Trace ReadTrace(JsonElement spansJson, string? traceId)
    {
        var spans = new List<Span>();
        foreach (var json in spansJson.EnumerateArray())
        {
            if (json.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"a span is an object, got {json.ValueKind}");
            var spanTraceId = TraceJson.String(json, "traceId");
            var spanId = TraceJson.SpanId(TraceJson.String(json, "id"));
            if (string.IsNullOrWhiteSpace(spanTraceId) || spanId is null)
                continue;

            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (TraceJson.Property(json, "tags") is { ValueKind: JsonValueKind.Object } tagMap)
            {
                foreach (var tag in tagMap.EnumerateObject())
                    tags.TryAdd(tag.Name, tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString() ?? "" : tag.Value.GetRawText());
            }
            // The remote service (who a client span called) is the peer the error chain names.
            if (TraceJson.Property(json, "remoteEndpoint") is { } remote && TraceJson.String(remote, "serviceName") is { Length: > 0 } peer)
                tags.TryAdd("peer.service", peer);
            var failed = tags.TryGetValue("error", out var error);

            spans.Add(new Span(
                TraceIds.Normalize(spanTraceId),
                spanId,
                TraceJson.SpanId(TraceJson.String(json, "parentId")),
                TraceJson.Property(json, "localEndpoint") is { } local && TraceJson.String(local, "serviceName") is { Length: > 0 } service
                    ? service
                    : Otlp.OtlpTraceParser.UnknownService,
                TraceJson.String(json, "name") ?? "",
                // A span without a timestamp (an incomplete or late half) is placed at the epoch for now, below.
                BackendTime.FromUnixMicroseconds(TraceJson.Microseconds(TraceJson.Int64(json, "timestamp") ?? 0, "timestamp")),
                BackendTime.FromMicroseconds(TraceJson.Microseconds(TraceJson.Int64(json, "duration") ?? 0, "duration")),
                failed ? SpanStatus.Error : SpanStatus.Unset,
                tags)
            {
                Kind = TraceJson.String(json, "kind")?.ToLowerInvariant(),
                StatusMessage = string.IsNullOrEmpty(error) || bool.TryParse(error, out _) ? null : error,
            });
        }

        // Spans without a timestamp start with the trace rather than in 1970, which would stretch the trace over decades.
        if (spans.Count > 0 && spans.Any(s => s.Start == DateTimeOffset.UnixEpoch) && spans.Any(s => s.Start != DateTimeOffset.UnixEpoch))
        {
            var first = spans.Where(s => s.Start != DateTimeOffset.UnixEpoch).Min(s => s.Start);
            for (var i = 0; i < spans.Count; i++)
            {
                if (spans[i].Start == DateTimeOffset.UnixEpoch)
                    spans[i] = spans[i] with { Start = first };
            }
        }
        var id = spans.FirstOrDefault()?.TraceId ?? (traceId is null ? "" : TraceIds.Normalize(traceId));
        return new Trace(id, spans);
    }
}
