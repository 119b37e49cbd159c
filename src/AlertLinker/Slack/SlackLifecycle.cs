using System.Globalization;
using AlertLinker.Pipeline;

namespace AlertLinker.Slack;

/// <summary>
/// What a group's message looks like in each state and what its thread is told when the state changes.
/// Pure functions: the sink decides when to post, update or reply.
/// </summary>
internal static class SlackLifecycle
{
    /// <summary>Colour bars of the attachment holding the blocks (Slack's own red, amber, green).</summary>
    public const string FiringColour = "#E01E5A";
    public const string AcknowledgedColour = "#ECB22E";
    public const string ResolvedColour = "#2EB67D";

    private const int MaxNoteLength = 2500;
    private const int MaxActorLength = 100;

    /// <summary>Annotations the sources fill with who acted (PagerDuty's agent, Opsgenie's user).</summary>
    private static readonly string[] ActorAnnotations = ["pagerduty_agent", "opsgenie_user"];

    public static string Colour(AlertStatus status) => status switch
    {
        AlertStatus.Resolved => ResolvedColour,
        AlertStatus.Acknowledged => AcknowledgedColour,
        _ => FiringColour,
    };

    /// <summary>
    /// The message as Slack shows it: the header as the message's own block (so the top-level text is only the
    /// notification fallback, not a second body), the rest in one attachment whose colour bar shows the state. A
    /// resolved group also says when it resolved, first in the attachment, while the 50-block limit leaves room.
    /// </summary>
    public static (IReadOnlyList<SlackBlock> Blocks, IReadOnlyList<SlackAttachment> Attachments) Layout(SlackMessage message, AlertNotification notification)
    {
        var header = message.Blocks.Take(message.Blocks.Count > 0 && message.Blocks[0] is HeaderBlock ? 1 : 0).ToList();
        var rest = message.Blocks.Skip(header.Count).ToList();
        if (notification.Status == AlertStatus.Resolved && message.Blocks.Count < SlackText.MaxBlocks)
            rest.Insert(0, new ContextBlock([TextObject.Mrkdwn("✅ Resolved at " + Time(ResolvedAt(notification)))]));
        return (header, [new SlackAttachment(Colour(notification.Status), rest)]);
    }

    /// <summary>
    /// The thread reply when a notification changes the state the message shows, else null (a repeat only updates).
    /// Returned as escaped mrkdwn.
    /// </summary>
    public static string? StateReply(AlertStatus shown, AlertNotification notification)
    {
        if (notification.Status == shown)
            return null;
        var by = Actor(notification) is { } actor ? " by " + SlackText.EscapeWithin(SlackText.SingleLine(actor), MaxActorLength).Text : "";
        return notification.Status switch
        {
            AlertStatus.Acknowledged => $"👀 Acknowledged{by}",
            AlertStatus.Resolved => $"✅ Resolved at {Time(ResolvedAt(notification))}{by}",
            _ => shown == AlertStatus.Resolved ? "🔥 Firing again" : $"🔥 Back to firing (no longer acknowledged){by}",
        };
    }

    /// <summary>The reply for a note (PagerDuty incident.annotated, Opsgenie AddNote), escaped.</summary>
    public static string NoteReply(AlertNotification notification)
    {
        var by = Actor(notification) is { } actor ? " from " + SlackText.EscapeWithin(SlackText.SingleLine(actor), MaxActorLength).Text : "";
        var note = string.IsNullOrWhiteSpace(notification.Note) ? "(empty note)" : notification.Note.Trim();
        return $"📝 Note{by}:\n" + SlackText.EscapeWithin(note, MaxNoteLength).Text;
    }

    /// <summary>A short thread reply: escaped mrkdwn in a verbatim section, the same text as the notification fallback.</summary>
    public static SlackPostMessageRequest Reply(string channel, string threadTs, string escapedMrkdwn) =>
        new(channel, escapedMrkdwn, [new SectionBlock(TextObject.Mrkdwn(escapedMrkdwn))], ThreadTs: threadTs);

    /// <summary>The message's detail reply (every finding, waterfall, runbook step) in its thread, posted once.</summary>
    public static SlackPostMessageRequest DetailReply(string channel, string threadTs, SlackMessage detail) =>
        new(channel, detail.Text, detail.Blocks, ThreadTs: threadTs);

    /// <summary>The detail reply brought up to date with the message, in place.</summary>
    public static SlackUpdateMessageRequest DetailUpdate(string channel, string ts, SlackMessage detail) =>
        new(channel, ts, detail.Text, detail.Blocks);

    /// <summary>A reply prefixed with the group's alert name (escaped), for a thread several groups share.</summary>
    public static string Named(AlertNotification notification, string escapedMrkdwn)
    {
        var name = notification.Alerts.Select(a => a.Name).FirstOrDefault() ?? notification.GroupKey;
        return $"*{SlackText.EscapeWithin(SlackText.SingleLine(name), MaxActorLength).Text}*: {escapedMrkdwn}";
    }

    private static DateTimeOffset ResolvedAt(AlertNotification notification) =>
        notification.Alerts.Select(a => a.EndsAt).OfType<DateTimeOffset>().DefaultIfEmpty(notification.ReceivedAt).Max();

    private static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string? Actor(AlertNotification notification) =>
        notification.Alerts
            .SelectMany(a => ActorAnnotations.Select(key => a.Annotations.TryGetValue(key, out var value) ? value : null))
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
