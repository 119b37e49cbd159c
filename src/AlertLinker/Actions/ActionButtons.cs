using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

/// <summary>
/// The row of buttons a group's message carries, by source and state: Silence 1 h / 4 h / 24 h (Alertmanager, Grafana),
/// or Unsilence while a silence made here is active; Acknowledge and Resolve (PagerDuty), Acknowledge and Close
/// (Opsgenie), minus what the incident already is. Every button's value is the group's stored id, nothing else.
/// </summary>
internal sealed class ActionButtons(RenderingGroups rendering, IOptions<ActionsOptions> options, TimeProvider time) : IMessageActions
{
    /// <summary>The block_id of the row, so an action finds the row it came from in the message.</summary>
    public const string RowId = "alertlinker_actions";

    public const string Prefix = "alertlinker.";
    public const string SilencePrefix = Prefix + "silence.";
    public const string Unsilence = Prefix + "unsilence";
    public const string Acknowledge = Prefix + "acknowledge";
    public const string Resolve = Prefix + "resolve";
    public const string Close = Prefix + "close";

    private readonly ActionsOptions options = options.Value;

    /// <summary>Only while the group is being delivered (the sink wrapper looked it up): a preview has no buttons.</summary>
    public MessageActions? For(AlertNotification notification) =>
        options.Enabled(notification.Source) && rendering.Find(notification.Source, notification.GroupKey) is { } group
            ? Row(group, notification.Status)
            : null;

    public MessageActions? Row(ActionGroup group, AlertStatus status)
    {
        var actions = group.Notification.Source switch
        {
            ActionSources.Alertmanager or ActionSources.Grafana => SilenceButtons(group, status),
            ActionSources.PagerDuty => status switch
            {
                AlertStatus.Firing => [Button(Acknowledge, "👀 Acknowledge", group, MessageActionStyle.Primary), Button(Resolve, "✅ Resolve", group)],
                AlertStatus.Acknowledged => [Button(Resolve, "✅ Resolve", group, MessageActionStyle.Primary)],
                _ => [],
            },
            ActionSources.Opsgenie => status switch
            {
                AlertStatus.Firing => [Button(Acknowledge, "👀 Acknowledge", group, MessageActionStyle.Primary), Button(Close, "✅ Close", group)],
                AlertStatus.Acknowledged => [Button(Close, "✅ Close", group, MessageActionStyle.Primary)],
                _ => [],
            },
            _ => new List<MessageAction>(),
        };
        return actions.Count == 0 ? null : new MessageActions(RowId, actions);
    }

    private List<MessageAction> SilenceButtons(ActionGroup group, AlertStatus status)
    {
        if (group.Silence is { } silence && silence.EndsAt > time.GetUtcNow())
            return [Button(Unsilence, $"🔔 Unsilence (silenced until {Until(silence.EndsAt, time.GetUtcNow())})", group)];
        // A silence needs at least one matcher, and a resolved group has nothing left to silence.
        if (status == AlertStatus.Resolved || group.Matchers.Count == 0)
            return [];
        return options.EffectiveSilenceDurations
            .Select(d => Button(SilencePrefix + ((long)d.TotalMinutes).ToString(CultureInfo.InvariantCulture), "🔕 Silence " + Duration(d), group))
            .ToList();
    }

    private static MessageAction Button(string actionId, string text, ActionGroup group, MessageActionStyle style = MessageActionStyle.Default) =>
        new(actionId, text, group.Id, style);

    /// <summary>"1 h", "90 min", "2 d".</summary>
    internal static string Duration(TimeSpan duration) =>
        duration.TotalHours > 24 && duration.TotalHours % 24 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalDays:0} d")
        : duration.TotalMinutes % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0} h")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0} min");

    /// <summary>"18:40 UTC", with the date when it is not today.</summary>
    internal static string Until(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.Date == now.UtcDateTime.Date
            ? at.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("MMM d HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>
/// The groups being delivered right now, looked up (asynchronously) by <see cref="ActionRegisteringSink"/> before the
/// message is built, so that building it — synchronous and pure — never waits on the store.
/// </summary>
internal sealed class RenderingGroups
{
    private readonly ConcurrentDictionary<(string Source, string GroupKey), ActionGroup> groups = new();

    public ActionGroup? Find(string source, string groupKey) => groups.TryGetValue((source, groupKey), out var group) ? group : null;

    public void Set(ActionGroup group) => groups[(group.Notification.Source, group.Notification.GroupKey)] = group;

    public void Remove(ActionGroup group) =>
        groups.TryRemove(new KeyValuePair<(string, string), ActionGroup>((group.Notification.Source, group.Notification.GroupKey), group));
}

/// <summary>
/// Wraps the sink: before a notification of a source with actions is delivered, its group is stored (a button id
/// made the first time) so the message's buttons map to it. A store failure costs the buttons, never the message.
/// </summary>
internal sealed class ActionRegisteringSink(
    IAlertSink inner, IActionGroupStore store, RenderingGroups rendering, IOptions<ActionsOptions> options, ILogger<ActionRegisteringSink> logger) : IAlertSink
{
    /// <summary>The wrapped sink's: wrapping it changes nothing about what it has already been sent.</summary>
    public string Name => inner.Name;

    public async Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
    {
        var alerts = notification.Notification;
        // A note only replies in the thread: it must not replace the group's last state.
        if (!options.Value.Enabled(alerts.Source) || alerts.Kind == NotificationKind.Note)
            return await inner.DeliverAsync(notification, cancellationToken);
        ActionGroup? group = null;
        try
        {
            group = await store.RegisterAsync(alerts, Matchers(alerts), cancellationToken);
            rendering.Set(group);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ActionsLog.GroupNotStored(logger, exception, alerts.GroupKey);
        }
        try
        {
            return await inner.DeliverAsync(notification, cancellationToken);
        }
        finally
        {
            if (group is not null)
                rendering.Remove(group);
        }
    }

    /// <summary>The single alert's labels, or the labels every alert of the group shares.</summary>
    internal static IReadOnlyDictionary<string, string> Matchers(AlertNotification notification) =>
        notification.Alerts.Count == 1 && notification.TruncatedAlerts == 0 ? notification.Alerts[0].Labels : notification.CommonLabels;
}
