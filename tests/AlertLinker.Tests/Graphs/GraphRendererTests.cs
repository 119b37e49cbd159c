using AlertLinker.Graphs;
using SkiaSharp;

namespace AlertLinker.Tests.Graphs;

public sealed class GraphRendererTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private static readonly GraphRange Range = new(Start, Start.AddMinutes(20), TimeSpan.FromSeconds(6));

    /// <summary>A latency that climbs from 200 ms to 1.2 s in the middle of the window and comes back.</summary>
    private static GraphSeries Latency(string service, double scale = 1) => new(
        new Dictionary<string, string> { ["service"] = service },
        Enumerable.Range(0, 201).Select(i =>
        {
            var at = Start.AddSeconds(i * 6);
            var value = (i is > 60 and < 140 ? 1.2 : 0.2) * scale;
            return (at, value);
        }).ToList());

    private static GraphPicture Picture(IReadOnlyList<GraphSeries>? series = null, IReadOnlyList<GraphExemplar>? exemplars = null) => new(
        "HighLatency: histogram_quantile(0.99, …)",
        Range,
        series ?? [Latency("checkout")],
        GraphUnit.Seconds,
        new GraphThreshold(">", 0.5),
        Start.AddMinutes(6),
        exemplars ?? []);

    [Fact]
    public void ThePictureIsAPngOfEightHundredByFourHundredWithinOneHundredKilobytes()
    {
        var rendered = GraphRenderer.Render(Picture(), 800, 400, 5);

        Assert.InRange(rendered.Png.Length, 1, 100 * 1024);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], rendered.Png[..4]);
        using var bitmap = SKBitmap.Decode(rendered.Png);
        Assert.NotNull(bitmap);
        Assert.Equal(800, bitmap.Width);
        Assert.Equal(400, bitmap.Height);
    }

    [Fact]
    public void TheSeriesTheThresholdAndTheAlertStartAreDrawnInTheirColours()
    {
        var rendered = GraphRenderer.Render(Picture(exemplars: [new GraphExemplar("4bf92f3577b34da6", Start.AddMinutes(8), null)]), 800, 400, 5);
        if (Environment.GetEnvironmentVariable("ALERTLINKER_GRAPH_SAMPLE") is { Length: > 0 } sample)
            File.WriteAllBytes(sample, rendered.Png);
        using var bitmap = SKBitmap.Decode(rendered.Png);

        Assert.True(PngPixels.Count(bitmap, SKColor.Parse("#1f77b4")) > 300, "the series line is hardly there");
        Assert.True(PngPixels.Count(bitmap, SKColor.Parse(GraphRenderer.ThresholdColor.ToHex())) > 100, "no dashed threshold line");
        Assert.True(PngPixels.Count(bitmap, SKColor.Parse(GraphRenderer.AlertStartColor.ToHex())) > 50, "no alert start marker");
    }

    [Fact]
    public void EachExemplarIsAMarkAtItsTimestampOnTheCurve()
    {
        GraphExemplar[] exemplars =
        [
            new("4bf92f3577b34da6a3ce929d0e0e4736", Start.AddMinutes(8), null),
            new("00f067aa0ba902b7a3ce929d0e0e4736", Start.AddMinutes(10), null),
            new("7d5a2c1e0ba902b7a3ce929d0e0e4736", Start.AddMinutes(12), null),
        ];
        var rendered = GraphRenderer.Render(Picture(exemplars: exemplars), 800, 400, 5);
        using var bitmap = SKBitmap.Decode(rendered.Png);

        Assert.Equal(3, rendered.Markers.Count);
        foreach (var (exemplar, x, y) in rendered.Markers)
            Assert.True(PngPixels.Near(bitmap, x, y, SKColors.Black), $"no exemplar mark at ({x:0}, {y:0}) for {exemplar.ShortId}");
        // Two minutes apart each: the marks are as far apart on the time axis, and all on the 1.2 s plateau.
        var xs = rendered.Markers.Select(m => m.X).ToList();
        Assert.InRange(xs[2] - xs[1] - (xs[1] - xs[0]), -1.5f, 1.5f);
        Assert.True(xs[1] > xs[0]);
        Assert.InRange(rendered.Markers.Select(m => m.Y).Max() - rendered.Markers.Select(m => m.Y).Min(), 0f, 1.5f);
        Assert.Equal("4bf92f35", rendered.Markers[0].Exemplar.ShortId);
    }

    [Fact]
    public void AnExemplarWithItsOwnValueSitsAtThatValue()
    {
        var rendered = GraphRenderer.Render(Picture(exemplars:
        [
            new GraphExemplar("aaaaaaaa0000", Start.AddMinutes(9), 0.3),
            new GraphExemplar("bbbbbbbb0000", Start.AddMinutes(9), 1.0),
        ]), 800, 400, 5);

        var (low, high) = (rendered.Markers[0], rendered.Markers[1]);
        Assert.Equal(low.X, high.X, 0.5f);
        Assert.True(low.Y > high.Y, "a smaller value is lower in the picture");
    }

    [Fact]
    public void ASeriesThatStartsLateInTheWindowIsDrawnFromJustBeforeItsFirstPoint()
    {
        // Prometheus has the last five minutes of a twenty-minute window only (a new series, a fresh server).
        var late = new GraphSeries(new Dictionary<string, string> { ["service"] = "checkout" },
            Enumerable.Range(0, 51).Select(i => (Start.AddMinutes(15).AddSeconds(i * 6), 1.0)).ToList());
        var picture = Picture([late], [new GraphExemplar("dddddddd", Start.AddMinutes(17), null)]);

        var rendered = GraphRenderer.Render(picture, 800, 400, 5);

        // At minute 17 of 15–20 (with a 5 % margin): left of the middle, not squeezed against the right edge.
        Assert.InRange(Assert.Single(rendered.Markers).X, 250f, 450f);
    }

    [Fact]
    public void AnExemplarOutsideTheWindowIsNotMarked()
    {
        var rendered = GraphRenderer.Render(Picture(exemplars: [new GraphExemplar("cccccccc", Start.AddHours(-1), null)]), 800, 400, 5);

        Assert.Empty(rendered.Markers);
    }

    [Fact]
    public void AtMostFiveSeriesAreDrawnTheHighestFirstAndTheRestCounted()
    {
        var series = Enumerable.Range(1, 8).Select(i => Latency("svc" + i, i / 8.0)).ToList();

        var rendered = GraphRenderer.Render(Picture(series), 800, 400, 5);

        Assert.Equal(3, rendered.HiddenSeries);
        var alt = AlertGrapher.AltText(Picture(series), rendered, 5);
        Assert.Contains("8 series (5 drawn), highest service=svc8 at 1.2 s", alt, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAltTextSaysWhatThePictureShows()
    {
        var picture = Picture(exemplars: [new GraphExemplar("4bf92f3577b34da6", Start.AddMinutes(8), null)]);
        var rendered = GraphRenderer.Render(picture, 800, 400, 5);

        Assert.Equal(
            "Line graph of HighLatency: histogram_quantile(0.99, …) from 14:00:00 to 14:20:00 UTC: 1 series, highest service=checkout at 1.2 s; "
            + "threshold > 0.5 s; the alert started at 14:06:00 UTC; 1 exemplar trace marked: 4bf92f35.",
            AlertGrapher.AltText(picture, rendered, 5));
    }
}
