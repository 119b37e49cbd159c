using System.Text.Json;

namespace AlertLinker.Backends;

/// <summary>
/// The search results' side of "what the slow traces share": each distinct trace a search returned whole, profiled on
/// the business keys, and the backends' service lists read from their JSON. Pure.
/// </summary>
public static class SearchProfiles
{
    /// <summary>
    /// One profile per distinct trace among <paramref name="traces"/>, with the duration and error of its summary
    /// (a trace both searches found is errored when either said so).
    /// </summary>
    public static IReadOnlyList<TraceProfile> Of(IEnumerable<Trace> traces, IEnumerable<TraceSummary> summaries, IReadOnlyList<string> keys)
    {
        var byId = new Dictionary<string, (TimeSpan? Duration, bool Error)>(StringComparer.Ordinal);
        foreach (var summary in summaries)
        {
            var key = FoundTrace.Key(summary.TraceId);
            var known = byId.GetValueOrDefault(key);
            byId[key] = (known.Duration is { } d && (summary.Duration is null || d >= summary.Duration) ? d : summary.Duration, known.Error || summary.Error);
        }
        var profiles = new List<TraceProfile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trace in traces)
        {
            var key = FoundTrace.Key(trace.TraceId);
            if (trace.Spans.Count == 0 || !seen.Add(key) || !byId.TryGetValue(key, out var summary))
                continue;
            profiles.Add(Analysis.TraceProfiles.Of(trace, summary.Duration, summary.Error, keys));
        }
        return profiles;
    }

    /// <summary>
    /// Service names from Jaeger v1 (<c>{"data":[…]}</c>), Jaeger api_v3 (<c>{"services":[…]}</c>), Zipkin
    /// (<c>[…]</c>) or Tempo's tag values (<c>{"tagValues":[…]}</c>, strings in v1, <c>{"type","value"}</c> in v2).
    /// </summary>
    public static IReadOnlyList<string> ParseServices(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var list = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && FirstArray(root, "data", "services", "tagValues") is { } found ? found
            : throw new JsonException("no list of services in the answer");
        var names = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object when item.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String => value.GetString(),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(name))
                names.Add(name);
        }
        return names;
    }

    private static JsonElement? FirstArray(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
                return value;
        }
        return null;
    }

    /// <summary>GET a service list; null when the route is not served (404, 405, 501, or a UI's HTML page).</summary>
    internal static async Task<IReadOnlyList<string>?> GetAsync(string backend, string route, Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        using var response = await BackendHttp.SendAsync(send).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed or System.Net.HttpStatusCode.NotImplemented)
            return null;
        if (!BackendHttp.IsSuccess(response.StatusCode))
            throw BackendHttp.Unexpected(backend, route, response, body);
        if (body.TrimStart() is not ['{', ..] and not ['[', ..])
            return null;
        try
        {
            return ParseServices(body);
        }
        catch (JsonException e)
        {
            throw BackendHttp.Unreadable(backend, route, e);
        }
    }
}
