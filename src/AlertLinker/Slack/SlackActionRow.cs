namespace AlertLinker.Slack;

/// <summary>The message's row of action buttons (silence, acknowledge…) from what <see cref="IMessageActions"/> offers.</summary>
internal static class SlackActionRow
{
    public const int MaxElements = 25;
    public const int MaxButtonText = 75;

    /// <summary>One actions block, or nothing when no action is offered.</summary>
    public static IReadOnlyList<SlackBlock> For(MessageActions? actions) =>
        actions is null || actions.Actions.Count == 0
            ? []
            : [new ActionsBlock(actions.Id, actions.Actions.Take(MaxElements).Select(Button).ToList())];

    private static ButtonElement Button(MessageAction action) => new(
        TextObject.Plain(SlackText.Truncate(action.Text, MaxButtonText).Text),
        action.ActionId,
        action.Value,
        action.Style switch
        {
            MessageActionStyle.Primary => "primary",
            MessageActionStyle.Danger => "danger",
            _ => null,
        });
}
