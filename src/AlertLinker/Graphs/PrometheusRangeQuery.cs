using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertLinker.Graphs;

/// <summary>One series of a query_range answer: its labels and its finite points, in time order.</summary>
public sealed record GraphSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points)
{
    /// <summary><c>service=checkout, le=0.5</c> (the metric name left out when there are other labels: they tell series apart).</summary>
    public string Name
    {
        get
        {
            var shown = Labels.Where(l => l.Key != "__name__").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").ToList();
            return shown.Count > 0 ? string.Join(", ", shown) : Labels.GetValueOrDefault("__name__") ?? "value";
        }
    }
}

/// <summary>Prometheus said no, or said something unreadable; the message is short and free of secrets.</summary>
public sealed class GraphQueryException(string message) : Exception(message);

/// <summary>
/// <c>GET /api/v1/query_range?query=&amp;start=&amp;end=&amp;step=</c> → <c>{"status":"success","data":{"resultType":"matrix",
/// "result":[{"metric":{…},"values":[[1700000000.5,"0.81"],…]}]}}</c>; errors <c>{"status":"error","errorType","error"}</c>.
/// The answer is read up to <see cref="GraphOptions.MaxResponseBytes"/>.
/// </summary>
internal sealed class PrometheusRangeQuery(IHttpClientFactory clients, IOptions<GraphOptions> options)
{
    public const string ClientName = "graphs-prometheus";

    public async Task<IReadOnlyList<GraphSeries>> QueryAsync(Uri prometheus, string query, GraphRange range, CancellationToken cancellationToken)
    {
        var url = new Uri(WithSlash(prometheus), "api/v1/query_range"
            + "?query=" + Uri.EscapeDataString(query)
            + "&start=" + Seconds(range.Start)
            + "&end=" + Seconds(range.End)
            + "&step=" + ((long)range.Step.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
        var http = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in options.Value.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity))
            throw new GraphQueryException($"Prometheus answered HTTP {(int)response.StatusCode}");
        var limit = options.Value.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
            throw new GraphQueryException($"the query_range answer is larger than {limit / 1024} KiB");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new GraphQueryException($"the query_range answer is larger than {limit / 1024} KiB");
            buffer.Write(chunk, 0, read);
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    internal static IReadOnlyList<GraphSeries> Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.TryGetProperty("status", out var status) && status.GetString() == "error")
            {
                var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
                throw new GraphQueryException($"Prometheus refused the query ({type ?? "error"})");
            }
            var series = new List<GraphSeries>();
            foreach (var item in root.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (item.TryGetProperty("metric", out var metric))
                {
                    foreach (var label in metric.EnumerateObject())
                        labels[label.Name] = label.Value.GetString() ?? "";
                }
                var points = new List<(DateTimeOffset, double)>();
                if (item.TryGetProperty("values", out var values))
                {
                    foreach (var pair in values.EnumerateArray())
                    {
                        var at = pair[0].GetDouble();
                        // "NaN", "+Inf": no point to draw there.
                        if (double.TryParse(pair[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                            points.Add((DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(at * 1000)), value));
                    }
                }
                if (points.Count > 0)
                    series.Add(new GraphSeries(labels, points));
            }
            return series;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new GraphQueryException("Prometheus's query_range answer is unreadable");
        }
    }

    private static string Seconds(DateTimeOffset at) =>
        (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
