namespace AlertLinker.Model;

/// <summary>
/// The buttons a group's message offers to act back on its source (silence in Alertmanager, acknowledge in PagerDuty…),
/// in neutral form: the sink lays them out. Null when acting is not configured for the notification's source, or
/// when the group has nothing left to act on.
/// </summary>
public interface IMessageActions
{
    MessageActions? For(AlertNotification notification);
}

/// <summary>One row of actions for a message.</summary>
/// <param name="Id">Stable id of the row within the message (Slack block_id), so an action can replace the row it came from.</param>
public sealed record MessageActions(string Id, IReadOnlyList<MessageAction> Actions);

/// <summary>
/// One button. <see cref="Value"/> is only a short opaque id: what the action does is looked up server-side, so
/// nothing a client edits can change its scope.
/// </summary>
/// <param name="Text">Plain text, at most 75 characters, without <c>&amp;</c>, <c>&lt;</c> or <c>&gt;</c>.</param>
public sealed record MessageAction(string ActionId, string Text, string Value, MessageActionStyle Style = MessageActionStyle.Default);

public enum MessageActionStyle
{
    Default,
    Primary,
    Danger,
}
