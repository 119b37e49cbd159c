using System.Text.Json;

namespace AlertLinker.Backends.Honeycomb;

/// <summary>Query Data API answers (shape of the terraform provider's client/query_result.go). Pure.</summary>
internal static class HoneycombParsing
{
    public sealed record Result(string? Id, bool Complete, IReadOnlyList<TraceSummary> Traces);

    /// <summary><c>POST /1/queries</c>: the created query's id.</summary>
    public static string ParseQueryId(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ObjectRoot(document).TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value
            ? value
            : throw new JsonException("the created query has no id");
    }

    /// <summary>
    /// A query result: <c>{id, complete, data{results[{data{"trace.trace_id", "MAX(duration_ms)"}}]}}</c>. Each row is one
    /// trace with its slowest span's duration; rows without a trace id (spans that carry none) are skipped.
    /// </summary>
    public static Result ParseResult(string json, string? service, bool errorSearch)
    {
        using var document = JsonDocument.Parse(json);
        var root = ObjectRoot(document);
        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        var complete = root.TryGetProperty("complete", out var completeElement) && completeElement.ValueKind == JsonValueKind.True;
        var traces = new List<TraceSummary>();
        if (complete
            && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var row in results.EnumerateArray())
            {
                if (!row.TryGetProperty("data", out var values) || values.ValueKind != JsonValueKind.Object)
                    continue;
                if (!values.TryGetProperty(HoneycombQuerySpec.TraceIdColumn, out var traceId) || traceId.ValueKind != JsonValueKind.String
                    || string.IsNullOrEmpty(traceId.GetString()))
                    continue;
                TimeSpan? duration = values.TryGetProperty(HoneycombQuerySpec.MaxDurationResult, out var max) && max.ValueKind == JsonValueKind.Number
                    ? TimeSpan.FromMilliseconds(max.GetDouble())
                    : null;
                traces.Add(new TraceSummary(traceId.GetString()!, service, null, null, duration, errorSearch, null));
            }
        }
        return new Result(id, complete, traces);
    }

    /// <summary>The root object; anything else (a proxy's <c>[]</c>) is a format failure the backend reports as such.</summary>
    private static JsonElement ObjectRoot(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement
            : throw new JsonException($"expected a JSON object, got {document.RootElement.ValueKind}");

    /// <summary>Honeycomb's error body <c>{"error": "…"}</c>, if that is what came.</summary>
    public static string? ParseError(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
