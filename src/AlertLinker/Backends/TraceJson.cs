using System.Globalization;
using System.Text.Json;

namespace AlertLinker.Backends;

/// <summary>
/// Tolerant readers over <see cref="JsonElement"/> for the trace parsers: backends write the same field as a string
/// or a number (int64 in JSON), leave fields out, or write null. Missing or null reads as null; a wrong kind throws
/// <see cref="TraceFormatException"/>.
/// </summary>
internal static class TraceJson
{
    public static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;

    public static string? String(JsonElement element, string name) => Property(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        var value => throw new TraceFormatException($"'{name}' should be a string, got {value.Value.ValueKind}"),
    };

    /// <summary>An integer written as a number or a string (OTLP int64/fixed64, Zipkin µs).</summary>
    public static long? Int64(JsonElement element, string name) => Property(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        { ValueKind: JsonValueKind.String } value when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
        { ValueKind: JsonValueKind.String } value when value.GetString() is "" => null,
        var value => throw new TraceFormatException($"'{name}' should be an integer, got {Excerpt(value.Value)}"),
    };

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) => Property(element, name) switch
    {
        null => [],
        { ValueKind: JsonValueKind.Array } value => value.EnumerateArray(),
        var value => throw new TraceFormatException($"'{name}' should be an array, got {value.Value.ValueKind}"),
    };

    /// <summary>Parses a whole body; depth is bounded by the reader's default (64), so hostile nesting fails cleanly.</summary>
    public static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TraceFormatException("the body is not JSON: " + e.Message, e);
        }
    }

    // Year 9999 in µs: later timestamps cannot be dates, and µs × 10 ticks would overflow.
    private const long MaxMicroseconds = 253_402_300_799_999_999;

    /// <summary>A µs timestamp or duration (Jaeger v1, Zipkin) that fits a date; negative or absurd values throw.</summary>
    public static long Microseconds(long value, string name) =>
        value is >= 0 and <= MaxMicroseconds ? value : throw new TraceFormatException($"'{name}' is out of range ({value} µs)");

    /// <summary>A span id as the analysis wants it: lowercase hex; null for empty or all-zero ids (no parent).</summary>
    public static string? SpanId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return null;
        var normalized = TraceIds.Normalize(id);
        return normalized.All(c => c == '0') ? null : normalized;
    }

    private static string Excerpt(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
