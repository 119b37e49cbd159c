using System.Globalization;
using System.Text.Json;

namespace AlertLinker.Backends.PrometheusExemplars;

/// <summary>One exemplar that carries a trace id.</summary>
internal sealed record FoundExemplar(
    string TraceId,
    double Value,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, string> SeriesLabels);

/// <summary>What <c>query_exemplars</c> answered: exemplars, or Prometheus' own error (errorType, error).</summary>
internal sealed record ExemplarsAnswer(IReadOnlyList<FoundExemplar> Exemplars, string? ErrorType = null, string? Error = null)
{
    public bool IsError => ErrorType is not null || Error is not null;
}

/// <summary>Parsing and ordering of Prometheus exemplars. Pure.</summary>
internal static class PrometheusExemplarsParsing
{
    public static ExemplarsAnswer Parse(string json, IReadOnlyList<string> traceIdLabels)
    {
        var response = JsonSerializer.Deserialize<Response>(json, BackendHttp.Json)
            ?? throw new JsonException("empty query_exemplars response");
        if (!string.Equals(response.Status, "success", StringComparison.Ordinal))
            return new ExemplarsAnswer([], response.ErrorType ?? response.Status ?? "unknown", response.Error);

        var found = new List<FoundExemplar>();
        foreach (var series in response.Data ?? [])
        {
            var seriesLabels = series.SeriesLabels ?? new Dictionary<string, string>();
            foreach (var exemplar in series.Exemplars ?? [])
            {
                var traceId = TraceIdOf(exemplar.Labels, traceIdLabels);
                if (traceId is null)
                    continue;
                found.Add(new FoundExemplar(
                    traceId,
                    double.TryParse(exemplar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN,
                    BackendTime.FromUnixSeconds(exemplar.Timestamp),
                    seriesLabels));
            }
        }
        return new ExemplarsAnswer(found);
    }

    /// <summary>The first configured label present, names compared case-insensitively (trace_id, traceID, traceId…).</summary>
    private static string? TraceIdOf(Dictionary<string, string>? labels, IReadOnlyList<string> names)
    {
        if (labels is null)
            return null;
        foreach (var name in names)
        {
            foreach (var (key, value) in labels)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(value))
                    return value.Trim();
            }
        }
        return null;
    }

    /// <summary>
    /// The largest values first (for a latency histogram: the slowest requests), each trace once, at most
    /// <paramref name="count"/>. Values that are not numbers go last.
    /// </summary>
    public static IReadOnlyList<FoundExemplar> Top(IEnumerable<FoundExemplar> exemplars, int count) =>
        exemplars
            .OrderByDescending(e => double.IsNaN(e.Value) ? double.NegativeInfinity : e.Value)
            .ThenByDescending(e => e.Timestamp)
            .DistinctBy(e => e.TraceId, StringComparer.OrdinalIgnoreCase)
            .Take(count)
            .ToList();

    /// <summary>
    /// The exemplar's value as a duration when the metric says it is one (<c>*_seconds_bucket</c>, <c>*_milliseconds</c>…):
    /// a histogram exemplar's value is the observed latency of that very request.
    /// </summary>
    public static TimeSpan? DurationOf(FoundExemplar exemplar)
    {
        if (double.IsNaN(exemplar.Value) || double.IsInfinity(exemplar.Value) || exemplar.Value < 0
            || !exemplar.SeriesLabels.TryGetValue("__name__", out var metric))
            return null;
        var baseName = metric.EndsWith("_bucket", StringComparison.Ordinal) ? metric[..^"_bucket".Length] : metric;
        if (baseName.EndsWith("_seconds", StringComparison.Ordinal))
            return TimeSpan.FromSeconds(exemplar.Value);
        if (baseName.EndsWith("_milliseconds", StringComparison.Ordinal) || baseName.EndsWith("_ms", StringComparison.Ordinal))
            return TimeSpan.FromMilliseconds(exemplar.Value);
        return null;
    }

    /// <summary>An exemplar of a span metric with an error status (Tempo span metrics: span_status).</summary>
    public static bool IsError(FoundExemplar exemplar) =>
        exemplar.SeriesLabels.TryGetValue("span_status", out var status) && status == "STATUS_CODE_ERROR"
        || exemplar.SeriesLabels.TryGetValue("status_code", out var code) && code == "STATUS_CODE_ERROR";

    internal sealed record Response(string? Status, List<Series>? Data, string? ErrorType, string? Error);

    internal sealed record Series(Dictionary<string, string>? SeriesLabels, List<Exemplar>? Exemplars);

    internal sealed record Exemplar(Dictionary<string, string>? Labels, string? Value, double Timestamp);
}
