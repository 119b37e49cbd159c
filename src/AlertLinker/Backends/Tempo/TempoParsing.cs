using System.Text.Json;

namespace AlertLinker.Backends.Tempo;

/// <summary>Tempo search answers as <see cref="TraceSummary"/> (links added by the backend). Pure.</summary>
internal static class TempoParsing
{
    /// <summary>What Tempo puts in rootServiceName while the root span is still missing.</summary>
    private const string RootNotYetReceived = "<root span not yet received>";

    /// <summary><c>GET /api/search</c>: <c>traces[]</c> with hex ids, start in ns (a string), durationMs (left out when 0).</summary>
    public static IReadOnlyList<TraceSummary> ParseSearch(string json, bool errorSearch)
    {
        var response = JsonSerializer.Deserialize<SearchResponse>(json, BackendHttp.Json)
            ?? throw new JsonException("empty search response");
        return (response.Traces ?? [])
            .Where(t => !string.IsNullOrEmpty(t.TraceID))
            .Select(t => new TraceSummary(
                TraceIds.Normalize(t.TraceID!),
                t.RootServiceName is null or RootNotYetReceived or "" ? null : t.RootServiceName,
                string.IsNullOrEmpty(t.RootTraceName) ? null : t.RootTraceName,
                t.StartTimeUnixNano is { } start and > 0 ? BackendTime.FromUnixNanoseconds(start) : null,
                TimeSpan.FromMilliseconds(t.DurationMs ?? 0),
                // Matches of "status = error" are errored by definition; other results tell by their error counts.
                errorSearch || (t.ServiceStats?.Values.Any(s => s.ErrorCount > 0) ?? false),
                null))
            .ToList();
    }

    internal sealed record SearchResponse(List<SearchTrace>? Traces);

    internal sealed record SearchTrace(
        string? TraceID,
        string? RootServiceName,
        string? RootTraceName,
        long? StartTimeUnixNano,
        long? DurationMs,
        Dictionary<string, ServiceStats>? ServiceStats);

    internal sealed record ServiceStats(int SpanCount, int ErrorCount);
}
