using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Backends.Datadog;

/// <summary>
/// Spans search answers (<c>data[].attributes</c>) as exemplars and as a normalized <see cref="Trace"/>. Pure.
/// Datadog ids are 64-bit decimals: exemplars keep them (the Datadog UI and <c>trace_id:</c> search use them),
/// the normalized trace carries them as 16-digit hex like every other backend.
/// </summary>
internal static class DatadogParsing
{
    public sealed record Page(IReadOnlyList<SpanData> Spans, string? After);

    public static Page ParsePage(string json)
    {
        var response = JsonSerializer.Deserialize<SearchResponse>(json, BackendHttp.Json)
            ?? throw new JsonException("empty spans search response");
        var spans = (response.Data ?? []).Select(d => d.Attributes).OfType<SpanData>()
            .Where(a => !string.IsNullOrEmpty(a.TraceId) && !string.IsNullOrEmpty(a.SpanId))
            .ToList();
        return new Page(spans, string.IsNullOrEmpty(response.Meta?.Page?.After) ? null : response.Meta.Page.After);
    }

    /// <summary>The errors array's details: <c>{"errors":[{"title","detail"}]}</c> (422), or plain strings (403).</summary>
    public static string? ParseErrors(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                return null;
            var details = errors.EnumerateArray().Select(e => e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.Object => Text(e, "detail") ?? Text(e, "title"),
                _ => null,
            }).OfType<string>().ToList();
            return details.Count == 0 ? null : string.Join("; ", details);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One exemplar per span: the matched span's service, resource, start and duration.</summary>
    public static TraceSummary Summarize(SpanData span, bool errorSearch) =>
        new(span.TraceId!,
            span.Service,
            span.ResourceName,
            span.StartTimestamp,
            Duration(span),
            errorSearch || IsError(span),
            null);

    /// <summary>The spans of one trace, normalized; null when there are none.</summary>
    public static Trace? ToTrace(IEnumerable<SpanData> spans)
    {
        var normalized = spans
            .DistinctBy(s => s.SpanId)
            .Select(ToSpan)
            .OrderBy(s => s.Start)
            .ToList();
        return normalized.Count == 0 ? null : new Trace(normalized[0].TraceId, normalized);
    }

    /// <summary>A decimal Datadog id as lowercase hex (64-bit ids as 16 digits); other ids through <see cref="TraceIds.Normalize"/>.</summary>
    public static string HexId(string id) =>
        ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("x16", CultureInfo.InvariantCulture)
            : TraceIds.Normalize(id);

    /// <summary>A hex id (from another backend or a log line) as the decimal Datadog searches by; decimal ids stay.</summary>
    public static string DecimalId(string id)
    {
        var trimmed = id.Trim();
        if (trimmed.All(char.IsAsciiDigit))
            return trimmed;
        // 128-bit W3C ids: Datadog's trace_id holds the lower 64 bits.
        var low = trimmed.Length > 16 ? trimmed[^16..] : trimmed;
        return ulong.TryParse(low, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value.ToString(CultureInfo.InvariantCulture)
            : trimmed;
    }

    private static Span ToSpan(SpanData span)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (span.Custom is { ValueKind: JsonValueKind.Object } custom)
            Flatten(custom, "", attributes);
        foreach (var (key, value) in new[] { ("env", span.Env), ("host", span.Host), ("span.type", span.Type) })
        {
            if (!string.IsNullOrEmpty(value))
                attributes.TryAdd(key, value);
        }
        var error = IsError(span);
        var parent = span.ParentId is null or "" or "0" ? null : HexId(span.ParentId);
        return new Span(
            HexId(span.TraceId!),
            HexId(span.SpanId!),
            parent,
            span.Service ?? "unknown",
            span.ResourceName ?? attributes.GetValueOrDefault("operation_name") ?? "unknown",
            span.StartTimestamp ?? DateTimeOffset.UnixEpoch,
            Duration(span) ?? TimeSpan.Zero,
            error ? SpanStatus.Error : SpanStatus.Unset,
            attributes)
        {
            Kind = attributes.GetValueOrDefault("span.kind"),
            StatusMessage = error ? attributes.GetValueOrDefault("error.message") ?? attributes.GetValueOrDefault("error.type") : null,
        };
    }

    /// <summary><c>custom.duration</c> in ns; else end − start (millisecond precision only).</summary>
    private static TimeSpan? Duration(SpanData span)
    {
        if (span.Custom is { ValueKind: JsonValueKind.Object } custom
            && custom.TryGetProperty("duration", out var duration)
            && duration.ValueKind == JsonValueKind.Number
            && duration.TryGetInt64(out var nanoseconds))
        {
            return BackendTime.FromNanoseconds(nanoseconds);
        }
        return span is { StartTimestamp: { } start, EndTimestamp: { } end } && end >= start ? end - start : null;
    }

    /// <summary>Datadog marks a failed span with <c>status:error</c> and error.* attributes (message, type, stack).</summary>
    private static bool IsError(SpanData span)
    {
        if (string.Equals(span.Status, "error", StringComparison.OrdinalIgnoreCase))
            return true;
        if (span.Custom is not { ValueKind: JsonValueKind.Object } custom || !custom.TryGetProperty("error", out var error))
            return false;
        return error.ValueKind switch
        {
            JsonValueKind.Object => error.EnumerateObject().Any(),
            JsonValueKind.True => true,
            JsonValueKind.Number => error.TryGetInt64(out var flag) && flag != 0,
            JsonValueKind.String => error.GetString() is { Length: > 0 } text && text is not ("0" or "false"),
            _ => false,
        };
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(property.Value, key + ".", into);
                    break;
                case JsonValueKind.Array:
                    into[key] = property.Value.GetRawText();
                    break;
                case JsonValueKind.String:
                    into[key] = property.Value.GetString()!;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    into[key] = property.Value.GetRawText();
                    break;
            }
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal sealed record SearchResponse(List<SpanEvent>? Data, Meta? Meta);

    internal sealed record SpanEvent(string? Id, string? Type, SpanData? Attributes);

    internal sealed record Meta(MetaPage? Page);

    internal sealed record MetaPage(string? After);

    internal sealed record SpanData(
        string? Service,
        [property: JsonPropertyName("resource_name")] string? ResourceName,
        [property: JsonPropertyName("trace_id")] string? TraceId,
        [property: JsonPropertyName("span_id")] string? SpanId,
        [property: JsonPropertyName("parent_id")] string? ParentId,
        [property: JsonPropertyName("start_timestamp")] DateTimeOffset? StartTimestamp,
        [property: JsonPropertyName("end_timestamp")] DateTimeOffset? EndTimestamp,
        string? Env,
        string? Host,
        string? Type,
        string? Status,
        JsonElement? Custom);
}
