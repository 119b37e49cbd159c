using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace AlertLinker.Graphs;

/// <summary>
/// The alert's expression over its window as a PNG: query_range beside the backends (same budget, the caller's
/// token), then the picture with the Prometheus exemplars the backends found. Anything that goes wrong becomes the
/// graph's one-line note; nothing here throws but the caller's own cancellation.
/// </summary>
internal sealed partial class AlertGrapher(
    PrometheusRangeQuery prometheus,
    IOptions<GraphOptions> options,
    TimeProvider time,
    ILogger<AlertGrapher> logger) : IAlertGraphs
{
    /// <summary>The backend type whose exemplars belong to the alert's own expression.</summary>
    private const string ExemplarBackendType = "PrometheusExemplars";

    /// <summary>Slack's alt text limit (files.getUploadURLExternal <c>alt_txt</c>).</summary>
    internal const int MaxAltText = 1000;

    private int fontWarned;

    public async Task<AlertGraph?> DrawAsync(ResolvedAlert alert, Task<IReadOnlyList<BackendSection>> sections, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.PrometheusUrl is not { } prometheusUrl || ExpressionOf(alert, o) is not { } expression)
            return null;

        using var activity = AlertLinkerActivity.Source.StartActivity("graph");
        var parsed = GraphExpression.Parse(expression);
        var range = GraphRange.Fit(alert.Window, time.GetUtcNow(), o.Points);
        var graph = new AlertGraph(expression, alert.Window, Link(o.UiUrl ?? prometheusUrl, parsed.Query, range))
        {
            Title = $"{alert.Alert.Name}: {parsed.Query}",
            FileName = FileName(alert.Alert.Name, alert.Alert.Status),
        };

        IReadOnlyList<GraphSeries> series;
        try
        {
            // Yield first: the caller starts the backends right after this call.
            await Task.Yield();
            series = await prometheus.QueryAsync(prometheusUrl, parsed.Query, range, cancellationToken);
        }
        catch (Exception e)
        {
            // The budget running out included: the message goes on without the picture, saying why.
            var note = e is OperationCanceledException && !cancellationToken.IsCancellationRequested ? "Prometheus timed out" : Describe(e);
            Log.QueryFailed(logger, note);
            return graph with { Note = "no graph: " + note };
        }
        if (series.Count == 0)
            return graph with { Note = $"no graph: the expression has no series in {alert.Window.Text}" };

        var exemplars = await ExemplarsAsync(sections, parsed.Unit);
        var picture = new GraphPicture(graph.Title, range, series, parsed.Unit, parsed.Threshold, alert.Alert.StartsAt, exemplars);
        try
        {
            if (GraphFonts.Missing && Interlocked.Exchange(ref fontWarned, 1) == 0)
                Log.NoFont(logger);
            var rendered = GraphRenderer.Render(picture, o.Width, o.Height, o.MaxSeries);
            Log.Drawn(logger, alert.Alert.Name, series.Count, rendered.Markers.Count, rendered.Png.Length);
            return graph with { Png = rendered.Png, AltText = AltText(picture, rendered, o.MaxSeries) };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // SkiaSharp's native library missing (libfontconfig1) and the like: a note, never the message.
            Log.RenderFailed(logger, e);
            return graph with { Note = $"no graph: it could not be drawn ({e.GetType().Name})" };
        }
    }

    /// <summary>generatorURL's <c>g0.expr</c> (resolved already), else the configured annotation.</summary>
    internal static string? ExpressionOf(ResolvedAlert alert, GraphOptions options)
    {
        if (!string.IsNullOrWhiteSpace(alert.Expression))
            return alert.Expression;
        return options.ExpressionAnnotation is { } key && alert.Alert.Annotations.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;
    }

    /// <summary>The exemplars of the alert's own expression, at their timestamps; in seconds their value is on the axis too.</summary>
    private static async Task<IReadOnlyList<GraphExemplar>> ExemplarsAsync(Task<IReadOnlyList<BackendSection>> sections, GraphUnit unit)
    {
        IReadOnlyList<BackendSection> found;
        try
        {
            found = await sections;
        }
        catch (Exception)
        {
            // The enricher reports its own failures; the picture goes without marks.
            return [];
        }
        return found.Where(s => s.Type == ExemplarBackendType)
            .SelectMany(s => s.Exemplars)
            .Where(e => e.Start is not null)
            .DistinctBy(e => e.TraceId, StringComparer.OrdinalIgnoreCase)
            .Select(e => new GraphExemplar(e.TraceId, e.Start!.Value, unit == GraphUnit.Seconds ? e.Duration?.TotalSeconds : null))
            .ToList();
    }

    /// <summary>What the picture shows, for screen readers: the expression, the window, the peak, the line, the marks.</summary>
    internal static string AltText(GraphPicture picture, RenderedGraph rendered, int maxSeries)
    {
        var text = new StringBuilder();
        var range = picture.Range;
        text.Append(CultureInfo.InvariantCulture, $"Line graph of {picture.Title} from {Time(range.Start)} to {Time(range.End)} UTC");
        var peak = picture.Series.Select(s => (s.Name, Max: s.Points.Max(p => p.Value))).MaxBy(s => s.Max);
        var scale = GraphScale.For(picture.Unit, peak.Max);
        text.Append(CultureInfo.InvariantCulture, $": {picture.Series.Count} series");
        if (rendered.HiddenSeries > 0)
            text.Append(CultureInfo.InvariantCulture, $" ({Math.Min(maxSeries, picture.Series.Count)} drawn)");
        text.Append(CultureInfo.InvariantCulture, $", highest {peak.Name} at {scale.Format(peak.Max)}");
        if (picture.Threshold is { } threshold)
            text.Append(CultureInfo.InvariantCulture, $"; threshold {threshold.Operator} {scale.Format(threshold.Value)}");
        if (picture.AlertStart is { } start && start >= range.Start && start <= range.End)
            text.Append(CultureInfo.InvariantCulture, $"; the alert started at {Time(start)} UTC");
        if (rendered.Markers.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $"; {rendered.Markers.Count} exemplar trace{(rendered.Markers.Count == 1 ? "" : "s")} marked: {string.Join(", ", rendered.Markers.Select(m => m.Exemplar.ShortId))}");
        text.Append('.');
        return text.Length <= MaxAltText ? text.ToString() : text.ToString(0, MaxAltText - 1) + "…";
    }

    /// <summary>Prometheus's graph page for the series side over the same range (range_input in seconds, which the UI reads).</summary>
    internal static Uri Link(Uri ui, string query, GraphRange range)
    {
        var root = ui.AbsoluteUri.EndsWith('/') ? ui.AbsoluteUri : ui.AbsoluteUri + "/";
        var seconds = Math.Max(1, (long)Math.Ceiling((range.End - range.Start).TotalSeconds));
        var end = range.End.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new Uri(root + "graph?g0.expr=" + Uri.EscapeDataString(query)
            + "&g0.tab=0&g0.range_input=" + seconds.ToString(CultureInfo.InvariantCulture) + "s"
            + "&g0.end_input=" + Uri.EscapeDataString(end));
    }

    private static string FileName(string alertName, AlertStatus status)
    {
        var safe = new string(alertName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        if (safe.Length is 0 or > 60)
            safe = safe.Length == 0 ? "alert" : safe[..60];
        return $"{safe}-{(status == AlertStatus.Resolved ? "resolved" : "firing")}.png";
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A short, secret-free reason (never the URL: headers and credentials may sit in it).</summary>
    internal static string Describe(Exception e) => e switch
    {
        GraphQueryException query => query.Message,
        OperationCanceledException => "Prometheus did not answer within the enrichment budget",
        HttpRequestException { StatusCode: { } status } => $"Prometheus answered HTTP {(int)status}",
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "Prometheus unreachable (connection refused)",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "Prometheus unreachable (host name not found)",
        HttpRequestException => "Prometheus unreachable",
        _ => $"the query failed ({e.GetType().Name})",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3901, Level = LogLevel.Warning, Message = "Graph of the alert's expression not drawn: {Reason}")]
        public static partial void QueryFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 3902, Level = LogLevel.Error, Message = "Graph of the alert's expression could not be rendered")]
        public static partial void RenderFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3903, Level = LogLevel.Debug, Message = "Graph of {Alert} drawn: {Series} series, {Exemplars} exemplars marked, {Bytes} bytes")]
        public static partial void Drawn(ILogger logger, string alert, int series, int exemplars, int bytes);

        [LoggerMessage(EventId = 3904, Level = LogLevel.Warning, Message = "No font on this machine: graphs are drawn without text (install fonts-dejavu-core)")]
        public static partial void NoFont(ILogger logger);
    }
}
