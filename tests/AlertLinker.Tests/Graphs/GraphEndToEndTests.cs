using System.Diagnostics;
using System.Text.RegularExpressions;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.WebUtilities;
using SkiaSharp;
using WireMock.Logging;
using Xunit.Abstractions;

namespace AlertLinker.Tests.Graphs;

/// <summary>
/// The real binaries: a Prometheus rule on an exemplar-carrying histogram fires, the real Alertmanager calls the
/// service, and the service uploads the PNG of the rule's expression over the alert's window into the Slack
/// message's thread through files.getUploadURLExternal → upload → files.completeUploadExternal.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class GraphEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(90);
    private const string Service = "checkout";

    [EndToEndFact]
    public async Task AFiringRulesExpressionIsUploadedAsAPictureWithItsExemplarsMarked()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Overall);
        var ct = deadline.Token;
        using var storage = new TempDirectory("e2e-graph-storage");
        using var slack = StandIns.StartLoopback();
        using var jaeger = StandIns.StartLoopback();
        StandIns.SlackAnswersOk(slack);
        SlackUploadStandIn.Serve(slack);
        StandIns.ServeJaegerFixtures(jaeger);

        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        await using var target = await OpenMetricsTarget.StartAsync(Service, ct);
        await using var stack = PrometheusStack.Create(target);
        await using var service = await AlertLinkerProcess.StartAsync("alertlinker", ServiceSettings.Of(ServiceSettings.AlertmanagerToSlack(bearer, slack, "C0E2ETEST"), new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            ["Backends:jaeger:Type"] = "Jaeger",
            ["Backends:jaeger:ApiUrl"] = StandIns.BaseUrl(jaeger).AbsoluteUri,
            ["Backends:exemplars:Type"] = "PrometheusExemplars",
            ["Backends:exemplars:ApiUrl"] = stack.PrometheusUrl.AbsoluteUri,
            ["Backends:exemplars:TraceBackend"] = "jaeger",
            // A fresh Prometheus has seconds of data: a short window steps one second, so the picture has points to show.
            ["Enrichment:Lookback"] = "00:00:30",
            ["Enrichment:Pad"] = "00:00:30",
        }), ct);
        await stack.StartAsync(service.AlertmanagerWebhook, bearer, ct);
        output.WriteLine($"stack ready after {clock.Elapsed.TotalSeconds:0.0} s");

        string Diagnostics() => string.Join('\n',
            $"elapsed {clock.Elapsed.TotalSeconds:0.0} s, {target.Scrapes} scrapes",
            stack.Describe(), service.Describe(), StandIns.Describe("slack", slack));

        var completed = await BoundedWait.GetAsync<ILogEntry>(
            "files.completeUploadExternal into the alert message's thread",
            Overall - clock.Elapsed,
            _ => Task.FromResult(slack.LogEntries.FirstOrDefault(e => e.RequestMessage.Path.EndsWith("files.completeUploadExternal", StringComparison.Ordinal))),
            Diagnostics, ct);
        output.WriteLine($"upload completed after {clock.Elapsed.TotalSeconds:0.0} s");

        // The order of the three steps, after the message they belong to.
        var calls = SlackUploadStandIn.Calls(slack);
        var steps = SlackUploadStandIn.Steps(slack).ToList();
        var post = steps.IndexOf("chat.postMessage");
        var ask = steps.IndexOf("files.getUploadURLExternal");
        var upload = steps.IndexOf(SlackUploadStandIn.UploadPath);
        var complete = steps.IndexOf("files.completeUploadExternal");
        Assert.True(post >= 0 && post < ask && ask < upload && upload < complete, "steps: " + string.Join(", ", steps));
        var message = calls[post].RequestMessage.Body!;
        Assert.Contains(PrometheusStack.AlertName, message, StringComparison.Ordinal);
        var body = System.Text.Json.Nodes.JsonNode.Parse(completed.RequestMessage.Body!)!;
        // Into the thread of the message just posted: the channel ID and ts Slack answered that post with.
        var posted = System.Text.Json.Nodes.JsonNode.Parse(calls[post].ResponseMessage.BodyData!.BodyAsString!)!;
        Assert.Equal((string?)posted["channel"], (string?)body["channel_id"]);
        Assert.Equal((string?)posted["ts"], (string?)body["thread_ts"]);

        // The picture: a PNG of about 800×400 within 100 KB, the length announced is the length sent, not blank.
        var png = calls[upload].RequestMessage.BodyAsBytes!;
        if (Environment.GetEnvironmentVariable("ALERTLINKER_GRAPH_SAMPLE") is { Length: > 0 } sample)
            await File.WriteAllBytesAsync(sample, png, ct);
        var form = QueryHelpers.ParseQuery(calls[ask].RequestMessage.Body);
        Assert.Equal(png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), form["length"].ToString());
        Assert.InRange(png.Length, 1, 100 * 1024);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((800, 400), (bitmap.Width, bitmap.Height));
        Assert.True(PngPixels.Count(bitmap, SKColor.Parse("#1f77b4")) > 100, "the series line is missing from the picture");

        // The exemplars marked are trace ids the scrape target served and Prometheus stored (named in the alt text),
        // and the picture has their black marks.
        var alt = form["alt_txt"].ToString();
        output.WriteLine("alt text: " + alt);
        Assert.Contains("Line graph of " + PrometheusStack.AlertName, alt, StringComparison.Ordinal);
        Assert.Contains("threshold > ", alt, StringComparison.Ordinal);
        var marked = Regex.Match(alt, "exemplar traces? marked: ([0-9a-f, ]+)");
        Assert.True(marked.Success, "no exemplar marked: " + alt + "\n" + Diagnostics());
        var served = target.ServedTraceIds;
        foreach (var shortId in marked.Groups[1].Value.Split(", "))
            Assert.Contains(served, id => id.StartsWith(shortId, StringComparison.OrdinalIgnoreCase));
        Assert.True(PngPixels.Count(bitmap, SKColors.Black) > 20, "no exemplar marks in the picture");
        output.WriteLine($"passed after {clock.Elapsed.TotalSeconds:0.0} s; {png.Length} bytes");
    }
}
