using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.Jaeger;

/// <summary>Jaeger UI deep links. Pure: the UI reads start/end in µs and minDuration as a Go duration.</summary>
internal static class JaegerLinks
{
    public static Uri Search(
        Uri ui,
        string service,
        string? operation,
        AlertWindow window,
        int limit,
        TimeSpan? minDuration,
        IReadOnlyDictionary<string, string>? tags) =>
        BackendHttp.Join(ui, "search",
        [
            new("service", service),
            new("operation", string.IsNullOrEmpty(operation) ? null : operation),
            new("start", BackendHttp.Invariant(BackendTime.ToUnixMicroseconds(window.Start))),
            new("end", BackendHttp.Invariant(BackendTime.ToUnixMicroseconds(window.End))),
            new("limit", BackendHttp.Invariant(limit)),
            // "custom" makes the UI use start/end instead of its own "last hour".
            new("lookback", "custom"),
            new("minDuration", minDuration is { } min ? BackendTime.ToGoDuration(min) : null),
            new("tags", tags is { Count: > 0 } ? TagsJson(tags) : null),
        ]);

    public static Uri Trace(Uri ui, string traceId) =>
        BackendHttp.Join(ui, "trace/" + Uri.EscapeDataString(traceId));

    /// <summary>The tags map as Jaeger's UI and v1 API read it, keys sorted so the same search gives the same link.</summary>
    public static string TagsJson(IReadOnlyDictionary<string, string> tags)
    {
        using var buffer = new MemoryStream();
        // Relaxed: the JSON goes into a URL and gets percent-encoded there; \u0022-style escapes would only add noise.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
                writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
