using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

/// <summary>One button click from Slack, verified and queued; handled after Slack got its 200.</summary>
/// <param name="RetryNum">Slack's X-Slack-Retry-Num: set when Slack thinks an earlier delivery failed.</param>
internal sealed record ClickRequest(InteractionPayload Payload, InteractionAction Action, int? RetryNum);

/// <summary>
/// Does what a click asks, once: claims the click (Slack's retries and replays are dropped), looks the group up by the
/// button's id (never trusting more of the payload than who clicked where), checks who may act, calls the source, and
/// says what happened — a thread reply and the message's new row on success, an ephemeral reason on failure.
/// </summary>
internal sealed partial class ClickHandler(
    IActionGroupStore store,
    ActionButtons buttons,
    AlertmanagerSilences silences,
    PagerDutyIncidents pagerDuty,
    OpsgenieAlerts opsgenie,
    InteractionReplies replies,
    IAlertStore alerts,
    IOptions<ActionsOptions> options,
    TimeProvider time,
    ILogger<ClickHandler> logger)
{
    /// <summary>The annotations the sources fill with who acted; the state-change reply names them ("Acknowledged by …").</summary>
    private const string PagerDutyActorAnnotation = "pagerduty_agent";
    private const string OpsgenieActorAnnotation = "opsgenie_user";

    private readonly ActionsOptions options = options.Value;

    public async Task HandleAsync(ClickRequest click, CancellationToken cancellationToken)
    {
        var payload = click.Payload;
        var action = click.Action;
        if (action.ActionId is not { } actionId || !actionId.StartsWith(ActionButtons.Prefix, StringComparison.Ordinal))
            return; // another app's button, or a link button: nothing to do
        if (payload.User?.Id is not { } userId || !SlackId().IsMatch(userId))
        {
            ActionsLog.ClickIgnored(logger, actionId, "no valid user id");
            return;
        }
        var key = string.Join('|', "click", payload.ChannelId, payload.Container?.MessageTs, actionId, action.ActionTs ?? payload.TriggerId, userId);
        if (!await store.TryClaimAsync(key, time.GetUtcNow(), cancellationToken))
        {
            ActionsLog.ClickRepeated(logger, actionId, userId, click.RetryNum ?? 0);
            return;
        }

        var group = action.Value is { Length: > 0 and <= 64 } id ? await store.FindAsync(id, cancellationToken) : null;
        if (group is null)
        {
            ActionsLog.ClickIgnored(logger, actionId, "unknown group id");
            await replies.EphemeralAsync(payload, "⚠️ This button's alert group is not known here any more; nothing was changed. Act in the source directly.", cancellationToken);
            return;
        }
        var source = group.Notification.Source;
        if (!options.Enabled(source))
        {
            await replies.EphemeralAsync(payload, $"⚠️ Acting on {source} alerts is not configured here any more; nothing was changed.", cancellationToken);
            return;
        }
        if (!await AllowedAsync(payload.ChannelId, userId, cancellationToken))
        {
            ActionsLog.ClickRefused(logger, actionId, userId, payload.ChannelId ?? "?");
            await replies.EphemeralAsync(payload, "🚫 You are not allowed to act on alerts in this channel; nothing was changed. (AlertLinker:Actions:Restrictions)", cancellationToken);
            return;
        }

        switch (actionId)
        {
            case ActionButtons.Unsilence:
                await UnsilenceAsync(payload, group, userId, cancellationToken);
                break;
            case var silence when silence.StartsWith(ActionButtons.SilencePrefix, StringComparison.Ordinal):
                await SilenceAsync(payload, group, userId, silence[ActionButtons.SilencePrefix.Length..], cancellationToken);
                break;
            case ActionButtons.Acknowledge or ActionButtons.Resolve or ActionButtons.Close:
                await SetIncidentAsync(payload, group, actionId == ActionButtons.Acknowledge ? AlertStatus.Acknowledged : AlertStatus.Resolved, cancellationToken);
                break;
            default:
                ActionsLog.ClickIgnored(logger, actionId, "unknown action");
                break;
        }
    }

    private async Task SilenceAsync(InteractionPayload payload, ActionGroup group, string userId, string minutes, CancellationToken cancellationToken)
    {
        // The duration comes from the action id: only one of the offered durations is honoured.
        var duration = long.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m < 60 * 24 * 366 ? TimeSpan.FromMinutes(m) : TimeSpan.Zero;
        if (!options.EffectiveSilenceDurations.Contains(duration))
        {
            await replies.EphemeralAsync(payload, "⚠️ That silence duration is not offered here; nothing was silenced.", cancellationToken);
            return;
        }
        if (group.Matchers.Count == 0 || group.Notification.Source is not (ActionSources.Alertmanager or ActionSources.Grafana))
        {
            await replies.EphemeralAsync(payload, "⚠️ This alert group has no common labels to silence on; nothing was silenced.", cancellationToken);
            return;
        }
        var now = time.GetUtcNow();
        var user = payload.User!;
        var silence = new NewSilence(
            group.Matchers.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new SilenceMatcher(l.Key, l.Value)).ToList(),
            now,
            now + duration,
            $"{user.Display} (slack:{userId})",
            $"Silenced from Slack by {user.Display} for {ActionButtons.Duration(duration)}" + (Permalink(payload) is { } link ? ": " + link : ""),
            // A second click while our silence is active (a message not re-rendered yet, a double click) updates it: one silence per group.
            group.Silence is { } active && active.EndsAt > now ? active.SilenceId : null);
        var (urls, token) = SilenceTarget(group.Notification.Source);
        var created = await silences.CreateAsync(urls, token, silence, cancellationToken);
        if (!created.Ok)
        {
            ActionsLog.ActionFailed(logger, "silence", group.Notification.GroupKey, created.Reason!);
            await replies.EphemeralAsync(payload, $"⚠️ Could not silence: {Escape(created.Reason!)}. Nothing was silenced.", cancellationToken);
            return;
        }
        var record = new GroupSilence(created.SilenceId!, silence.EndsAt, userId, created.ApiUrl!);
        await store.SetSilenceAsync(group.Id, record, cancellationToken);
        ActionsLog.Silenced(logger, group.Notification.GroupKey, record.SilenceId, userId, silence.EndsAt);
        await replies.ThreadReplyAsync(payload,
            $"🔕 Silenced for {ActionButtons.Duration(duration)} by <@{userId}> — silence {Short(record.SilenceId)} until {ActionButtons.Until(record.EndsAt, now)}",
            cancellationToken);
        await replies.ReplaceRowAsync(payload, ActionButtons.RowId, buttons.Row(group with { Silence = record }, group.Notification.Status), cancellationToken);
    }

    private async Task UnsilenceAsync(InteractionPayload payload, ActionGroup group, string userId, CancellationToken cancellationToken)
    {
        if (group.Silence is not { } silence)
        {
            await replies.EphemeralAsync(payload, "ℹ️ No silence made from Slack is active for this alert.", cancellationToken);
            await replies.ReplaceRowAsync(payload, ActionButtons.RowId, buttons.Row(group, group.Notification.Status), cancellationToken);
            return;
        }
        var expired = await silences.ExpireAsync(silence.ApiUrl, SilenceTarget(group.Notification.Source).Token, silence.SilenceId, cancellationToken);
        if (!expired.Ok)
        {
            ActionsLog.ActionFailed(logger, "unsilence", group.Notification.GroupKey, expired.Reason!);
            await replies.EphemeralAsync(payload, $"⚠️ Could not expire silence {Short(silence.SilenceId)}: {Escape(expired.Reason!)}. It is still active.", cancellationToken);
            return;
        }
        await store.SetSilenceAsync(group.Id, null, cancellationToken);
        ActionsLog.Unsilenced(logger, group.Notification.GroupKey, silence.SilenceId, userId);
        await replies.ThreadReplyAsync(payload, $"🔔 Unsilenced by <@{userId}> — silence {Short(silence.SilenceId)} expired", cancellationToken);
        await replies.ReplaceRowAsync(payload, ActionButtons.RowId, buttons.Row(group with { Silence = null }, group.Notification.Status), cancellationToken);
    }

    /// <summary>
    /// Acknowledges or resolves (closes) the incident in PagerDuty or Opsgenie, then queues the new state for the group
    /// as the source's own webhook would, so the message turns amber or green and its thread says who did it.
    /// </summary>
    private async Task SetIncidentAsync(InteractionPayload payload, ActionGroup group, AlertStatus status, CancellationToken cancellationToken)
    {
        var notification = group.Notification;
        var incident = notification.GroupKey;
        var who = payload.User!.Display;
        var (call, actorAnnotation, verb) = notification.Source switch
        {
            ActionSources.PagerDuty => (
                await pagerDuty.SetStatusAsync(options.PagerDutyApiUrl, options.PagerDutyApiToken!, options.PagerDutyFromEmail!, incident,
                    status == AlertStatus.Acknowledged ? "acknowledged" : "resolved", cancellationToken),
                PagerDutyActorAnnotation,
                status == AlertStatus.Acknowledged ? "acknowledge" : "resolve"),
            ActionSources.Opsgenie => (
                await opsgenie.ActAsync(options.OpsgenieApiUrl, options.OpsgenieApiKey!, incident, status == AlertStatus.Acknowledged ? "acknowledge" : "close",
                    who, $"From Slack by {who}", cancellationToken),
                OpsgenieActorAnnotation,
                status == AlertStatus.Acknowledged ? "acknowledge" : "close"),
            _ => (SourceCall.Failed($"{notification.Source} alerts cannot be acknowledged"), "", "act on"),
        };
        if (!call.Ok)
        {
            ActionsLog.ActionFailed(logger, verb, incident, call.Reason!);
            await replies.EphemeralAsync(payload, $"⚠️ Could not {verb} {Escape(incident)}: {Escape(call.Reason!)}. Nothing was changed.", cancellationToken);
            return;
        }
        ActionsLog.IncidentChanged(logger, notification.Source, incident, status.ToString(), payload.User.Id!);
        var now = time.GetUtcNow();
        var actor = $"{who} (from Slack)";
        var changed = notification with
        {
            Status = status,
            Kind = NotificationKind.StateChange,
            Note = null,
            Event = "slack." + verb,
            ReceivedAt = now,
            // Distinct from the source's own deliveries, so dedupe keeps it; the claimed click makes it once.
            DeliveryId = $"slack:{payload.Container?.MessageTs}:{verb}:{now.ToUnixTimeMilliseconds()}",
            Alerts = notification.Alerts.Select(a => a with
            {
                Status = status,
                EndsAt = status == AlertStatus.Resolved ? now : a.EndsAt,
                Annotations = new Dictionary<string, string>(a.Annotations) { [actorAnnotation] = actor },
            }).ToList(),
        };
        try
        {
            await alerts.AcceptAsync(changed, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ActionsLog.StateNotQueued(logger, exception, incident);
            await replies.EphemeralAsync(payload, $"Done in {notification.Source}, but this message could not be updated here ({Escape(exception.GetBaseException().Message)}); the source's own webhook will update it.", cancellationToken);
        }
    }

    private async Task<bool> AllowedAsync(string? channelId, string userId, CancellationToken cancellationToken)
    {
        var restriction = options.Restrictions.FirstOrDefault(r => string.Equals(r.Channel, channelId, StringComparison.Ordinal));
        if (restriction is null)
            return true;
        if (restriction.Users.Contains(userId, StringComparer.Ordinal))
            return true;
        foreach (var userGroup in restriction.UserGroups)
        {
            if ((await replies.UserGroupMembersAsync(userGroup, cancellationToken)).Contains(userId))
                return true;
        }
        return false;
    }

    private (IReadOnlyList<Uri> Urls, string? Token) SilenceTarget(string source) =>
        source == ActionSources.Grafana
            ? ([options.GrafanaAlertmanagerUrl!], options.GrafanaApiToken)
            : (options.AlertmanagerApiUrls, null);

    /// <summary>The message's link in Slack, for the silence comment; null when the payload lacks a piece of it.</summary>
    internal static string? Permalink(InteractionPayload payload) =>
        payload.Team?.Domain is { } domain && Domain().IsMatch(domain) && payload.ChannelId is { } channel && SlackId().IsMatch(channel)
        && payload.Container?.MessageTs is { } ts && Ts().IsMatch(ts)
            ? $"https://{domain}.slack.com/archives/{channel}/p{ts.Replace(".", "", StringComparison.Ordinal)}"
            : null;

    /// <summary>"1a2b3c4d…": enough of an id to find it in Alertmanager's UI.</summary>
    private static string Short(string id) => Escape(id.Length > 8 ? id[..8] + "…" : id);

    /// <summary>mrkdwn escaping of text from a source's answer (the three characters Slack gives meaning).</summary>
    internal static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Z0-9]{2,40}$")]
    private static partial Regex SlackId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Domain();

    [GeneratedRegex(@"^[0-9]{1,12}\.[0-9]{1,9}$")]
    private static partial Regex Ts();
}
