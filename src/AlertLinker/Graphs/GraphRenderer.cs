using System.Globalization;
using ScottPlot;

namespace AlertLinker.Graphs;

/// <summary>An exemplar to mark: where (its timestamp, its value when that is in the series' unit) and its label.</summary>
public sealed record GraphExemplar(string TraceId, DateTimeOffset At, double? Value)
{
    /// <summary>The first 8 characters, as the message writes trace ids.</summary>
    public string ShortId => TraceId.Length > 8 ? TraceId[..8] : TraceId;
}

/// <summary>Everything one picture shows.</summary>
public sealed record GraphPicture(
    string Title,
    GraphRange Range,
    IReadOnlyList<GraphSeries> Series,
    GraphUnit Unit,
    GraphThreshold? Threshold,
    DateTimeOffset? AlertStart,
    IReadOnlyList<GraphExemplar> Exemplars);

/// <summary>A drawn picture and where its exemplar markers landed (pixels from the top left), for checks.</summary>
public sealed record RenderedGraph(byte[] Png, int Width, int Height, IReadOnlyList<(GraphExemplar Exemplar, float X, float Y)> Markers, int HiddenSeries);

/// <summary>
/// Draws a <see cref="GraphPicture"/> as a PNG with ScottPlot on SkiaSharp, in memory: no browser, no external
/// renderer, nothing written to disk. Times are UTC (the axis says so); values are scaled to the unit (ms, s, %).
/// </summary>
public static class GraphRenderer
{
    /// <summary>Series colours: distinct, readable on white, and none of them the threshold's red or the markers' black.</summary>
    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#17becf"),
        Color.FromHex("#bcbd22"), Color.FromHex("#7f7f7f"), Color.FromHex("#e377c2"), Color.FromHex("#aec7e8"), Color.FromHex("#98df8a"),
    ];

    public static readonly Color ThresholdColor = Color.FromHex("#d62728");
    public static readonly Color AlertStartColor = Color.FromHex("#ff7f0e");
    public static readonly Color ExemplarColor = Color.FromHex("#000000");

    public static RenderedGraph Render(GraphPicture picture, int width, int height, int maxSeries)
    {
        using var plot = new Plot();
        plot.Font.Set(GraphFonts.Family);

        // The series that reach highest are the ones the alert is about: they are drawn and named first.
        var ordered = picture.Series.OrderByDescending(s => s.Points.Max(p => p.Value)).ToList();
        var drawn = ordered.Take(maxSeries).ToList();
        var hidden = ordered.Count - drawn.Count;
        var largest = drawn.SelectMany(s => s.Points).Select(p => Math.Abs(p.Value)).DefaultIfEmpty(0).Max();
        if (picture.Threshold is { } t)
            largest = Math.Max(largest, Math.Abs(t.Value));
        var scale = GraphScale.For(picture.Unit, largest);

        // The window, or from a little before the first point where Prometheus has nothing earlier (a new series, a
        // short retention): an empty left half would squeeze the spike into a few pixels.
        var from = picture.Range.Start;
        var first = drawn.Select(s => s.Points[0].At).DefaultIfEmpty(from).Min();
        if (first > from)
            from = first - (picture.Range.End - first) / 20;
        var to = picture.Range.End;

        for (var i = 0; i < drawn.Count; i++)
        {
            var series = drawn[i];
            var xs = series.Points.Select(p => X(p.At)).ToArray();
            var ys = series.Points.Select(p => p.Value * scale.Factor).ToArray();
            var line = plot.Add.Scatter(xs, ys, Palette[i % Palette.Length]);
            line.LineWidth = 2;
            // Few points (a fresh series): each one visible, a lone point too.
            line.MarkerSize = xs.Length < 40 ? 5 : 0;
            line.LegendText = Shorten(series.Name, 60);
        }
        if (hidden > 0)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"and {hidden} more", LineWidth = 0, MarkerShape = MarkerShape.None });

        if (picture.Threshold is { } threshold)
        {
            var line = plot.Add.HorizontalLine(threshold.Value * scale.Factor, 2f, ThresholdColor, LinePattern.Dashed);
            line.LegendText = $"threshold {threshold.Operator} {scale.Format(threshold.Value)}";
        }

        if (picture.AlertStart is { } start && start >= from && start <= to)
        {
            var line = plot.Add.VerticalLine(X(start), 2f, AlertStartColor, LinePattern.Dashed);
            line.LegendText = "alert start " + start.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }

        var marks = new List<(GraphExemplar, Coordinates)>();
        foreach (var exemplar in picture.Exemplars)
        {
            if (exemplar.At < from || exemplar.At > to)
                continue;
            var y = exemplar.Value ?? ValueAt(drawn, exemplar.At);
            if (y is not { } value || !double.IsFinite(value))
                continue;
            var at = new Coordinates(X(exemplar.At), value * scale.Factor);
            var marker = plot.Add.Marker(at, MarkerShape.FilledDiamond, 11, ExemplarColor);
            marker.LegendText = marks.Count == 0 ? "exemplar trace" : "";
            var label = plot.Add.Text(exemplar.ShortId, at);
            label.LabelFontSize = 11;
            label.LabelFontColor = ExemplarColor;
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 6;
            label.OffsetY = -4;
            marks.Add((exemplar, at));
        }

        // Times of day in UTC; the date too when the window crosses midnight.
        var sameDay = picture.Range.Start.UtcDateTime.Date == picture.Range.End.UtcDateTime.Date;
        var format = !sameDay ? "MMM d HH:mm" : to - from < TimeSpan.FromMinutes(10) ? "HH:mm:ss" : "HH:mm";
        var timeAxis = plot.Axes.DateTimeTicksBottom();
        if (timeAxis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic automatic)
            automatic.LabelFormatter = at => at.ToString(format, CultureInfo.InvariantCulture);
        plot.Title(Shorten(picture.Title, 90), 14);
        plot.XLabel(sameDay ? picture.Range.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " (UTC)" : "time (UTC)", 12);
        plot.YLabel(scale.Suffix.Length == 0 ? "value" : scale.Suffix, 12);
        // Below the plot, never over the data.
        plot.ShowLegend(Edge.Bottom);
        // Room for the last time label at the right edge.
        plot.Axes.Right.MinimumSize = 24;

        plot.Axes.AutoScale();
        // The whole window, not just where data is, so the alert's start and a recovery sit where they happened;
        // the threshold always in view, so the reader sees how far the series is from it.
        plot.Axes.SetLimitsX(X(from), X(to));
        var limits = plot.Axes.GetLimits();
        var bottom = Math.Min(limits.Bottom, 0);
        var top = limits.Top;
        if (picture.Threshold is { } th)
            top = Math.Max(top, th.Value * scale.Factor);
        if (top <= bottom)
            top = bottom + 1;
        plot.Axes.SetLimitsY(bottom, top + (top - bottom) * 0.12);

        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        var markers = marks.Select(m =>
        {
            var pixel = plot.GetPixel(m.Item2);
            return (m.Item1, pixel.X, pixel.Y);
        }).ToList();
        return new RenderedGraph(png, width, height, markers, hidden);
    }

    /// <summary>ScottPlot's DateTime axis reads OLE Automation dates; given UTC, it writes UTC.</summary>
    public static double X(DateTimeOffset at) => at.UtcDateTime.ToOADate();

    /// <summary>The value of the highest drawn series at that time, linearly between its two nearest points.</summary>
    internal static double? ValueAt(IReadOnlyList<GraphSeries> series, DateTimeOffset at)
    {
        double? best = null;
        foreach (var s in series)
        {
            var points = s.Points;
            double? value = null;
            for (var i = 0; i < points.Count; i++)
            {
                if (points[i].At < at)
                    continue;
                if (i == 0)
                {
                    value = points[0].Value;
                    break;
                }
                var (a, b) = (points[i - 1], points[i]);
                var span = (b.At - a.At).TotalMilliseconds;
                value = span <= 0 ? b.Value : a.Value + (b.Value - a.Value) * ((at - a.At).TotalMilliseconds / span);
                break;
            }
            value ??= points.Count > 0 ? points[^1].Value : null;
            if (value is { } v && (best is null || v > best))
                best = v;
        }
        return best;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
