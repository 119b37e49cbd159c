namespace AlertLinker.Model;

/// <summary>
/// The alert's PromQL expression drawn over its window, or why it could not be. A sink shows the picture (Slack bot
/// mode uploads it into the message's thread), or the link where there is no way to upload (incoming webhook), or the
/// one-line <see cref="Note"/> when drawing failed.
/// </summary>
/// <param name="Expression">The PromQL as the alert carries it.</param>
/// <param name="Link">The expression over the same window in Prometheus's own UI; null when no UI is known.</param>
public sealed record AlertGraph(string Expression, AlertWindow Window, Uri? Link)
{
    /// <summary>The PNG; null when it could not be drawn (see <see cref="Note"/>).</summary>
    public ReadOnlyMemory<byte>? Png { get; init; }

    /// <summary>What the picture shows, in words (alt text for screen readers, and the file's title).</summary>
    public string AltText { get; init; } = "";

    /// <summary>The picture's title, also the uploaded file's title.</summary>
    public string Title { get; init; } = "";

    /// <summary>Why there is no picture, one short line without secrets ("Prometheus unreachable (connection refused)").</summary>
    public string? Note { get; init; }

    /// <summary>File name for an upload.</summary>
    public string FileName { get; init; } = "alert-graph.png";
}

/// <summary>Draws the graph of an alert's expression. Null when the alert has nothing to draw (no expression, graphs off).</summary>
public interface IAlertGraphs
{
    /// <param name="sections">The backends' sections as they come in: the query runs beside them, and the
    /// Prometheus exemplars they found are marked on the picture once they are there.</param>
    Task<AlertGraph?> DrawAsync(ResolvedAlert alert, Task<IReadOnlyList<BackendSection>> sections, CancellationToken cancellationToken);
}
