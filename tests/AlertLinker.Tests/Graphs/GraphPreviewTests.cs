using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AlertLinker.Tests.TestSupport;
using SkiaSharp;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Graphs;

/// <summary>POST /api/preview carries the graph, so template authors see the picture the thread would get.</summary>
public sealed class GraphPreviewTests : IDisposable
{
    private const string Token = "test-token-preview";
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    private readonly WireMockServer prometheus = WireMockServer.Start();

    public void Dispose() => prometheus.Stop();

    [Fact]
    public async Task ThePreviewHasThePictureInlineWithItsAltText()
    {
        // Whatever the window, a minute of points from its start: the capture fired 2026-11-23 18:16:23Z.
        var start = new DateTimeOffset(2026, 11, 23, 18, 1, 23, TimeSpan.Zero);
        var values = string.Join(",", Enumerable.Range(0, 60).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{start.AddSeconds(i * 20).ToUnixTimeSeconds()},\"{(i > 30 ? 1.5 : 0.3)}\"]")));
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[""" + values + "]}]}}"));
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Graphs:PrometheusUrl"] = prometheus.Url,
        });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/preview") { Content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var graph = JsonDocument.Parse(text).RootElement.GetProperty("graph");
        var png = graph.GetProperty("png").GetString()!;
        Assert.StartsWith("data:image/png;base64,", png, StringComparison.Ordinal);
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(png["data:image/png;base64,".Length..]));
        Assert.Equal((800, 400), (bitmap.Width, bitmap.Height));
        Assert.StartsWith("Line graph of HighRequestLatency: histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[5m]))",
            graph.GetProperty("altText").GetString(), StringComparison.Ordinal);
        Assert.Contains("threshold > 1 s", graph.GetProperty("altText").GetString(), StringComparison.Ordinal);
    }
}
