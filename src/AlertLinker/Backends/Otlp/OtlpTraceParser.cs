using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AlertLinker.Backends.Otlp;

/// <summary>
/// OTLP JSON (TracesData) → <see cref="Trace"/>, for every backend that serves it: Jaeger api_v3 (<c>{"result":…}</c>,
/// hex ids, int enums), Tempo v1 trace-by-id (<c>{"batches":…}</c>, base64 ids, enum names), Tempo v2
/// (<c>{"trace":…}</c>), and plain <c>resourceSpans</c>. Old field names (<c>instrumentationLibrarySpans</c>) too.
/// Pure; odd input throws only <see cref="TraceFormatException"/>.
/// </summary>
public static class OtlpTraceParser
{
    public const string UnknownService = "unknown";

    private static readonly string[] Envelopes = ["result", "trace"];
    private static readonly string[] ResourceLists = ["resourceSpans", "batches"];
    private static readonly string[] ScopeLists = ["scopeSpans", "instrumentationLibrarySpans"];

    /// <summary>All spans of the body; <paramref name="traceId"/> names the trace when the body has no span.</summary>
    public static Trace Parse(string json, string? traceId = null) =>
        TraceFormatException.Guard("OTLP JSON", () =>
        {
            using var document = TraceJson.Parse(json);
            return Parse(document.RootElement, traceId);
        });

    public static Trace Parse(JsonElement root, string? traceId = null) =>
        TraceFormatException.Guard("OTLP JSON", () =>
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"OTLP JSON is an object, got {root.ValueKind}");
            var data = Unwrap(root);
            var spans = new List<Span>();
            foreach (var resourceSpans in FirstArray(data, ResourceLists))
            {
                var resource = TraceJson.Property(resourceSpans, "resource");
                var resourceAttributes = resource is { } r ? AttributeMap(r) : [];
                var service = resourceAttributes.GetValueOrDefault("service.name");
                foreach (var scope in FirstArray(resourceSpans, ScopeLists))
                {
                    foreach (var span in TraceJson.Array(scope, "spans"))
                    {
                        if (ReadSpan(span, service) is { } read)
                            spans.Add(resourceAttributes.Count > 0 ? read with { Resource = resourceAttributes } : read);
                    }
                }
            }
            var id = spans.FirstOrDefault()?.TraceId ?? (traceId is null ? "" : TraceIds.Normalize(traceId));
            return new Trace(id, spans);
        });

    private static JsonElement Unwrap(JsonElement root)
    {
        foreach (var name in Envelopes)
        {
            if (TraceJson.Property(root, name) is { ValueKind: JsonValueKind.Object } inner)
                return inner;
        }
        return root;
    }

    private static IEnumerable<JsonElement> FirstArray(JsonElement element, string[] names)
    {
        foreach (var name in names)
        {
            if (TraceJson.Property(element, name) is not null)
                return TraceJson.Array(element, name);
        }
        return [];
    }

    private static Span? ReadSpan(JsonElement span, string? service)
    {
        if (span.ValueKind != JsonValueKind.Object)
            throw new TraceFormatException($"a span is an object, got {span.ValueKind}");
        var traceId = TraceJson.String(span, "traceId");
        var spanId = TraceJson.SpanId(TraceJson.String(span, "spanId"));
        // A span without ids cannot be placed in the tree; skipping it keeps the rest of the trace.
        if (string.IsNullOrWhiteSpace(traceId) || spanId is null)
            return null;

        var start = NonNegative(TraceJson.Int64(span, "startTimeUnixNano") ?? 0, "startTimeUnixNano");
        var end = NonNegative(TraceJson.Int64(span, "endTimeUnixNano") ?? start, "endTimeUnixNano");
        var attributes = AttributeMap(span);
        var status = TraceJson.Property(span, "status");
        var code = status is { } s ? StatusCode(TraceJson.Property(s, "code")) : SpanStatus.Unset;
        var message = status is { } st ? TraceJson.String(st, "message") : null;
        if (code == SpanStatus.Error)
            AddExceptionEvent(span, attributes);

        return new Span(
            TraceIds.Normalize(traceId),
            spanId,
            TraceJson.SpanId(TraceJson.String(span, "parentSpanId")),
            string.IsNullOrEmpty(service) ? UnknownService : service,
            TraceJson.String(span, "name") ?? "",
            BackendTime.FromUnixNanoseconds(start),
            // A span that ends before it starts (clock trouble) is shown as instantaneous rather than negative.
            BackendTime.FromNanoseconds(Math.Max(0, end - start)),
            code,
            attributes)
        {
            Kind = Kind(TraceJson.Property(span, "kind")),
            StatusMessage = string.IsNullOrEmpty(message) ? null : message,
        };
    }

    private static long NonNegative(long value, string name) =>
        value >= 0 ? value : throw new TraceFormatException($"'{name}' is negative ({value})");

    /// <summary>The "exception" event's type and message, where the span attributes do not have them already.</summary>
    private static void AddExceptionEvent(JsonElement span, Dictionary<string, string> attributes)
    {
        var exception = TraceJson.Array(span, "events")
            .FirstOrDefault(e => e.ValueKind == JsonValueKind.Object && TraceJson.String(e, "name") == "exception");
        if (exception.ValueKind != JsonValueKind.Object)
            return;
        foreach (var (key, value) in AttributeMap(exception))
        {
            if (key.StartsWith("exception.", StringComparison.Ordinal) && key != "exception.stacktrace")
                attributes.TryAdd(key, value);
        }
    }

    /// <summary>OTLP status code: 0 unset, 1 ok, 2 error; jsonpb may write the enum name.</summary>
    private static SpanStatus StatusCode(JsonElement? code) => code switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var value) => value switch
        {
            1 => SpanStatus.Ok,
            2 => SpanStatus.Error,
            _ => SpanStatus.Unset,
        },
        { ValueKind: JsonValueKind.String } s => s.GetString() switch
        {
            "STATUS_CODE_OK" or "1" => SpanStatus.Ok,
            "STATUS_CODE_ERROR" or "2" => SpanStatus.Error,
            _ => SpanStatus.Unset,
        },
        _ => SpanStatus.Unset,
    };

    private static readonly string?[] Kinds = [null, "internal", "server", "client", "producer", "consumer"];

    /// <summary>OTLP span kind 1–5 or <c>SPAN_KIND_SERVER</c> → "server"; unspecified → null.</summary>
    private static string? Kind(JsonElement? kind) => kind switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var value) && value >= 0 && value < Kinds.Length => Kinds[value],
        { ValueKind: JsonValueKind.String } s when s.GetString() is { } name => name.StartsWith("SPAN_KIND_", StringComparison.Ordinal)
            ? Kinds.FirstOrDefault(k => k is not null && name.Equals("SPAN_KIND_" + k, StringComparison.OrdinalIgnoreCase))
            : int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0 && number < Kinds.Length
                ? Kinds[number]
                : null,
        _ => null,
    };

    /// <summary>The element's <c>attributes</c> (a KeyValue list) as strings; the first of duplicate keys wins.</summary>
    private static Dictionary<string, string> AttributeMap(JsonElement element)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in TraceJson.Array(element, "attributes"))
        {
            if (attribute.ValueKind == JsonValueKind.Object && TraceJson.String(attribute, "key") is { Length: > 0 } key)
                map.TryAdd(key, AnyValue(TraceJson.Property(attribute, "value"), depth: 0));
        }
        return map;
    }

    // Attribute values nest (arrays of kvlists of arrays…); past this depth the rest is elided.
    private const int MaxValueDepth = 8;

    /// <summary>
    /// An AnyValue as text: strings as they are, numbers invariant, bools lowercase, bytes base64, arrays
    /// <c>[a, b]</c>, kvlists <c>{k: v}</c>.
    /// </summary>
    internal static string AnyValue(JsonElement? value, int depth)
    {
        if (value is not { ValueKind: JsonValueKind.Object } any)
            return "";
        if (depth > MaxValueDepth)
            return "…";
        foreach (var property in any.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "stringValue":
                case "bytesValue":
                    return v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
                case "boolValue":
                    return v.ValueKind switch
                    {
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => (v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()).ToLowerInvariant(),
                    };
                case "intValue":
                case "doubleValue":
                    return v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
                case "arrayValue":
                    return "[" + string.Join(", ", TraceJson.Array(v, "values").Select(item => AnyValue(item, depth + 1))) + "]";
                case "kvlistValue":
                    var builder = new StringBuilder("{");
                    foreach (var pair in TraceJson.Array(v, "values"))
                    {
                        if (builder.Length > 1)
                            builder.Append(", ");
                        builder.Append(TraceJson.String(pair, "key")).Append(": ")
                            .Append(AnyValue(TraceJson.Property(pair, "value"), depth + 1));
                    }
                    return builder.Append('}').ToString();
            }
        }
        return "";
    }
}
