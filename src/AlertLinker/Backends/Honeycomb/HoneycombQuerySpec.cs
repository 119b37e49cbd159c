using System.Text.Json;
using System.Text.Json.Serialization;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Honeycomb;

/// <summary>
/// A Honeycomb query specification: the same JSON runs through the Query Data API and opens in the UI (<c>?query=</c>).
/// Times are unix seconds; the slowest traces are the trace ids broken down by MAX(duration_ms), descending.
/// </summary>
public sealed record HoneycombQuerySpec(
    [property: JsonPropertyName("start_time")] long StartTime,
    [property: JsonPropertyName("end_time")] long EndTime,
    [property: JsonPropertyName("calculations")] IReadOnlyList<HoneycombCalculation> Calculations,
    [property: JsonPropertyName("filters")] IReadOnlyList<HoneycombFilter> Filters,
    [property: JsonPropertyName("filter_combination")] string FilterCombination,
    [property: JsonPropertyName("breakdowns")] IReadOnlyList<string> Breakdowns,
    [property: JsonPropertyName("orders")] IReadOnlyList<HoneycombOrder> Orders,
    [property: JsonPropertyName("limit")] int Limit)
{
    public const string TraceIdColumn = "trace.trace_id";
    public const string DurationColumn = "duration_ms";

    /// <summary>The result column of the slowest-span calculation.</summary>
    public const string MaxDurationResult = "MAX(duration_ms)";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Traces of the service in the window, slowest first; errored spans only with <paramref name="errorsOnly"/>.</summary>
    public static HoneycombQuerySpec SlowestTraces(
        string service, string? operation, AlertWindow window, int limit,
        IReadOnlyDictionary<string, string>? attributes = null, bool errorsOnly = false, TimeSpan? minDuration = null)
    {
        var filters = new List<HoneycombFilter> { new("service.name", "=", service) };
        if (!string.IsNullOrEmpty(operation))
            filters.Add(new HoneycombFilter("name", "=", operation));
        foreach (var (key, value) in (attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
            filters.Add(new HoneycombFilter(key, "=", value));
        if (minDuration is { } min)
            filters.Add(new HoneycombFilter(DurationColumn, ">", min.TotalMilliseconds));
        if (errorsOnly)
            filters.Add(new HoneycombFilter("error", "=", true));
        return new HoneycombQuerySpec(
            BackendTime.ToUnixSecondsFloor(window.Start),
            BackendTime.ToUnixSecondsCeiling(window.End),
            [new HoneycombCalculation("MAX", DurationColumn)],
            filters,
            "AND",
            [TraceIdColumn],
            [new HoneycombOrder("MAX", DurationColumn, "descending")],
            limit);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record HoneycombCalculation(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("column")] string Column);

/// <summary>A filter; <paramref name="Value"/> keeps its JSON type (error = true, duration_ms &gt; 500).</summary>
public sealed record HoneycombFilter(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("value")] object Value);

public sealed record HoneycombOrder(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("order")] string Order);
