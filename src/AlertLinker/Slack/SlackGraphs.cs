using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// The alert's graph in Slack. Bot mode (and dry run): the PNG goes into the message's thread, uploaded when the
/// group's message is first posted and again when it resolves (that picture shows the recovery); a repeat only
/// updates the message. The message never waits on Prometheus or the upload to go out: it is posted first, and an
/// upload refused by Slack becomes one short reply in the thread. A graph that could not be drawn is one context line
/// in the message. Incoming webhook (no upload, no thread): the message carries the graph's link only. A message
/// without a graph is exactly as before.
/// </summary>
/// <remarks>
/// Thread rather than an <c>image</c> block in the message: an image block may only name a <c>slack_file</c> that
/// Slack has finished processing (else the whole post fails with <c>invalid_blocks</c>), so the message would wait on
/// the upload and then on Slack; a picture inside the colour-barred message would also push the trace links below the
/// fold and ride along on every chat.update. In the thread it is one click away, next to the details.
/// </remarks>
internal sealed class SlackGraphs(ISlackFiles files, ISlackChat chat, IOptions<SlackOptions> options, ILogger<SlackGraphs> logger)
{
    private const int MaxCommentLength = 300;
    private const int MaxTitleLength = 250;

    /// <summary>The group's graph: the one its notification drew (on one alert), if any.</summary>
    public static AlertGraph? Of(EnrichedNotification notification) =>
        notification.Alerts.Select(a => a.Graph).FirstOrDefault(g => g is not null);

    /// <summary>
    /// The message with the graph's line at its end: the link where nothing can be uploaded, the note where drawing
    /// failed; unchanged otherwise (and always for a message without a graph).
    /// </summary>
    public SlackMessage WithLine(SlackMessage message, EnrichedNotification notification)
    {
        if (Of(notification) is not { } graph || message.Blocks.Count >= SlackText.MaxBlocks)
            return message;
        string? line = options.Value.Mode == SlackMode.IncomingWebhook
            ? SlackText.Link(graph.Link, "Graph of the alert's expression over its window") is { } link ? "📈 " + link : null
            : graph.Note is { } note ? "📈 " + SlackText.EscapeWithin(SlackText.SingleLine(note), MaxCommentLength).Text : null;
        return line is null ? message : message with { Blocks = [.. message.Blocks, new ContextBlock([TextObject.Mrkdwn(line)])] };
    }

    /// <summary>
    /// Uploads the picture into the thread of <paramref name="record"/>'s message, when there is one to upload and the
    /// message is a thread root (a message inside a storm digest's thread has none of its own: Slack threads do not
    /// nest). Never fails the delivery: the message is out already.
    /// </summary>
    public async Task AttachAsync(SlackMessageRecord record, EnrichedNotification notification, CancellationToken cancellationToken)
    {
        if (options.Value.Mode == SlackMode.IncomingWebhook || record.ThreadTs is not null
            || Of(notification) is not { Png: { } png } graph)
            return;
        var resolved = notification.Notification.Status == AlertStatus.Resolved;
        var name = notification.Alerts.Select(a => a.Alert.Name).FirstOrDefault() ?? "alert";
        var comment = resolved
            ? $"📈 *{SlackText.EscapeWithin(SlackText.SingleLine(name), 100).Text}* after it resolved ({graph.Window.Text}): the recovery"
            : $"📈 *{SlackText.EscapeWithin(SlackText.SingleLine(name), 100).Text}* over {graph.Window.Text}";
        var upload = new SlackFileUpload(record.Channel, record.Ts, graph.FileName,
            SlackText.Truncate(SlackText.SingleLine(graph.Title), MaxTitleLength).Text, graph.AltText, png,
            SlackText.TruncateMrkdwn(comment, MaxCommentLength).Text);

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Value.UploadTimeout);
        SlackUpload result;
        try
        {
            result = await files.UploadAsync(upload, bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = SlackUpload.Failed($"the upload took longer than {options.Value.UploadTimeout.TotalSeconds:0.#} s");
        }
        if (result.Ok)
        {
            SlackGraphLog.GraphUploaded(logger, graph.FileName, record.GroupKey, record.Channel, record.Ts, result.FileId!);
            return;
        }
        SlackGraphLog.GraphUploadFailed(logger, record.GroupKey, record.Channel, result.Failure ?? "unknown");
        var note = "📈 Graph not attached: " + SlackText.EscapeWithin(SlackText.SingleLine(result.Failure ?? "the upload failed"), MaxCommentLength).Text;
        var replied = await chat.PostAsync(SlackLifecycle.Reply(record.Channel, record.Ts, note), cancellationToken);
        if (!replied.Ok)
            SlackLog.ReplyFailed(logger, record.GroupKey, record.Channel, replied.Result.Error ?? "unknown");
    }
}
