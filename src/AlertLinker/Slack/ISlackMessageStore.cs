
namespace AlertLinker.Slack;

/// <summary>
/// Where each alert group's Slack message lives (channel + ts), so later notifications of the group update it
/// with chat.update and reply in its thread instead of posting again. The Slack sink owns this seam; a durable store
/// implements it (the SQLite store does, so messages are still updated after a restart), else the sink keeps it in
/// memory. A store shared by several replicas makes every replica edit the same message.
/// </summary>
public interface ISlackMessageStore
{
    /// <summary>
    /// The group's message: the one in <paramref name="channel"/> if there is one, else its latest in any channel (a group
    /// whose routing changed, say because the labels its alerts share changed, keeps updating the message it started
    /// with); null when none was posted (or it was forgotten).
    /// </summary>
    Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the group's record for its channel.</summary>
    Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Records, before it is sent, that the group's top-level message is about to be posted to
    /// <paramref name="intent"/>'s channel. Returns the intent already recorded for the group and channel and not
    /// completed if there is one (a delivery that died, or lost its lease, between posting and recording: its post
    /// may be in Slack under that intent's id), else <paramref name="intent"/>, now recorded.
    /// </summary>
    Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken);

    /// <summary>The post is in Slack: saves its record (as <see cref="SaveSlackMessageAsync"/>) and closes the intent, in one transaction.</summary>
    Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// A top-level post about to be sent, or sent and not yet recorded. <paramref name="DeliveryId"/> travels in the post's
/// Slack message metadata, so a later delivery can find the post in the channel's history.
/// </summary>
/// <param name="Channel">The channel the post is routed to, as configured (the record keeps the ID Slack answers with).</param>
/// <param name="RecordedAt">When the intent was first recorded: the channel's history is searched from shortly before.</param>
public sealed record SlackPostIntent(string Source, string GroupKey, string Channel, string DeliveryId, DateTimeOffset RecordedAt);

/// <param name="Ts">The message to update: a top-level message, or a reply in a storm digest's thread.</param>
/// <param name="ThreadTs">The thread the message sits in (a storm digest), or null for a top-level message.</param>
/// <param name="Status">The state the message shows now; a notification with another state also gets a thread reply.</param>
public sealed record SlackMessageRecord(
    string Source,
    string GroupKey,
    string Channel,
    string Ts,
    string? ThreadTs,
    AlertStatus Status,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The message's detail reply in its thread (findings, waterfall, runbooks), updated with the message; null until posted.</summary>
    public string? DetailTs { get; init; }

    /// <summary>Where replies about this alert go: its own thread, or the digest's thread it is part of.</summary>
    public string ReplyThread => ThreadTs ?? Ts;
}
