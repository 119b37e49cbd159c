namespace AlertLinker.Slack;

/// <summary>The graph upload's log lines (Slack's range, 7090–7099).</summary>
internal static partial class SlackGraphLog
{
    [LoggerMessage(7090, LogLevel.Information, "Dry run: would upload {FileName} ({Bytes} bytes) into thread {ThreadTs} of {Channel}: {AltText}")]
    public static partial void DryRunUpload(ILogger logger, string fileName, int bytes, string channel, string threadTs, string altText);

    [LoggerMessage(7091, LogLevel.Information, "Graph {FileName} of group {GroupKey} uploaded into thread {ThreadTs} of {Channel} as {FileId}")]
    public static partial void GraphUploaded(ILogger logger, string fileName, string groupKey, string channel, string threadTs, string fileId);

    [LoggerMessage(7092, LogLevel.Warning, "Graph of group {GroupKey} not uploaded into {Channel}: {Reason}")]
    public static partial void GraphUploadFailed(ILogger logger, string groupKey, string channel, string reason);
}
