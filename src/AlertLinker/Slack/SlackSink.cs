using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net.Http.Json;
using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Slack;

/// <summary>
/// Delivers one enriched notification to Slack. Bot mode (and dry run, which logs the same calls): the group's first
/// notification posts a message to its routed channel and its channel + ts are stored; later ones update that message
/// with chat.update and reply in its thread when the state changed (acknowledged, resolved, firing again) or a note
/// came; in a storm a new group joins the channel's digest (see <see cref="SlackStormThread"/>). Incoming webhook: a
/// new message every time. Tries once; the delivery worker retries by the result.
/// </summary>
internal sealed class SlackSink(
    SlackMessageBuilder builder,
    ISlackChat chat,
    SlackRouter router,
    ISlackMessageStore messages,
    SlackStorms storms,
    ISlackStormStore stormStore,
    SlackStormThread stormThread,
    SlackPostIntents intents,
    SlackPace pace,
    SlackGraphs graphs,
    IHttpClientFactory httpClientFactory,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackSink> logger) : IAlertSink
{
    /// <summary>Named HttpClient for the incoming webhook; its default request logging is removed (the URL is a secret).</summary>
    public const string WebhookClientName = "slack-webhook";

    /// <summary>The pace key of the incoming webhook's one channel.</summary>
    private const string WebhookChannel = "incoming-webhook";

    /// <summary>chat.update errors after which the stored message is gone for us: post a fresh one instead.</summary>
    private static readonly FrozenSet<string> MessageGone = FrozenSet.ToFrozenSet(
        ["message_not_found", "cant_update_message", "channel_not_found", "edit_window_closed"], StringComparer.Ordinal);

    private readonly SlackOptions options = options.Value;

    /// <summary>One delivery per channel at a time: keeps the storm state and the stored ts consistent.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> channelLocks = new(StringComparer.Ordinal);

    /// <summary>What this sink's deliveries are recorded under when several sinks are registered.</summary>
    public string Name => "slack";

    public async Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
    {
        var groupKey = notification.Notification.GroupKey;
        var message = graphs.WithLine(builder.Build(notification, thread: options.Mode != SlackMode.IncomingWebhook), notification);
        var cuts = message.Cuts.Concat(message.Detail?.Cuts.Select(c => "thread: " + c) ?? []).ToList();
        if (cuts.Count > 0)
            SlackLog.Shortened(logger, groupKey, string.Join("; ", cuts));

        var result = options.Mode == SlackMode.IncomingWebhook
            ? await PostWebhookAsync(notification.Notification, message, cancellationToken)
            : await DeliverToChannelAsync(notification, message, cancellationToken);

        if (result.Deferred)
            SlackLog.Deferred(logger, groupKey, result.Error ?? "");
        else if (result.Error is { } error)
        {
            if (result.Retryable)
                SlackLog.RetryableFailure(logger, groupKey, error);
            else
                SlackLog.PermanentFailure(logger, groupKey, error);
        }
        return result;
    }

    private async Task<DeliveryResult> DeliverToChannelAsync(EnrichedNotification enriched, SlackMessage message, CancellationToken cancellationToken)
    {
        var notification = enriched.Notification;
        var channel = router.ChannelFor(notification);
        var identity = StormMember.IdentityOf(notification.Source, notification.GroupKey);
        var gate = channelLocks.GetOrAdd(channel, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            // A storm keeps its channel's lock busy with paced calls: join it without waiting, so that this worker
            // slot goes to other channels meanwhile and the group is named in the digest's next edit.
            if (storms.Current(channel) is { } busy)
                return await JoinWhileBusyAsync(enriched, message, channel, identity, busy, cancellationToken);
            await gate.WaitAsync(cancellationToken);
        }
        try
        {
            // A storm member's notification back after waiting for the digest's next edit: finish it.
            if (storms.Current(channel) is { } current && current.Member(identity) is { } member
                && member.NotificationKey == SlackStormMessages.NotificationKey(notification))
                return await ProgressStormAsync(current, member, channel, cancellationToken);

            var shown = await messages.FindSlackMessageAsync(notification.Source, notification.GroupKey, channel, cancellationToken);
            // Resolved and firing again (maybe days later, the old message far up the channel): a new page, a new message.
            if (shown is { Status: AlertStatus.Resolved } && notification.Status != AlertStatus.Resolved && notification.Kind != NotificationKind.Note)
                shown = null;
            if (shown is null)
            {
                if (notification.Kind != NotificationKind.Note && await ObserveAsync(channel, identity, notification, cancellationToken) is { } storm)
                    return await ProgressStormAsync(storm, await JoinAsync(storm, enriched, message, channel, identity, cancellationToken), channel, cancellationToken);
                var (posted, record) = await PostAsync(notification, message, channel, threadTs: null, cancellationToken);
                if (posted.Ok)
                    await PostedAloneAsync(channel, notification);
                if (!posted.Ok || record is null)
                    return posted.Result;
                var (detailed, _) = await DetailAsync(record, message, cancellationToken);
                if (detailed.Delivered)
                    await graphs.AttachAsync(record, enriched, cancellationToken);
                if (!detailed.Delivered || notification.Kind != NotificationKind.Note)
                    return detailed;
                return await ReplyAsync(record, notification, SlackLifecycle.NoteReply(notification), cancellationToken);
            }

            // Listed in a storm digest only (the record points at the digest, a thread root): its first change gets the
            // group's full message in the digest's thread, and later ones update that.
            if (shown.ThreadTs == shown.Ts && notification.Kind != NotificationKind.Note)
            {
                await MarkInStormAsync(channel, identity, notification.Status);
                return (await PostAsync(notification, message, shown.Channel, shown.Ts, cancellationToken)).Call.Result;
            }

            if (notification.Kind == NotificationKind.Note)
                return await ReplyAsync(shown, notification, SlackLifecycle.NoteReply(notification), cancellationToken);

            // The stored channel: where the message is (an ID, as chat.update needs), even if routing now says elsewhere.
            var (blocks, attachments) = SlackLifecycle.Layout(message, notification);
            var update = new SlackUpdateMessageRequest(shown.Channel, shown.Ts, message.Text, blocks, attachments);
            var updated = await chat.UpdateAsync(update, cancellationToken);
            if (!updated.Ok)
            {
                if (updated.ErrorCode is not { } code || !MessageGone.Contains(code))
                    return updated.Result;
                // Deleted, too old to edit, or its channel gone: the group gets a fresh message showing its state now.
                SlackLog.UpdateReplaced(logger, notification.GroupKey, shown.Channel, shown.Ts, code);
                var (fresh, freshRecord) = await PostAsync(notification, message, channel, threadTs: null, cancellationToken);
                return fresh.Ok && freshRecord is not null ? (await DetailAsync(freshRecord, message, cancellationToken)).Result : fresh.Result;
            }
            SlackLog.Updated(logger, notification.GroupKey, shown.Channel, shown.Ts, notification.Status.ToString());
            await MarkInStormAsync(channel, identity, notification.Status);

            var (detail, withDetail) = await DetailAsync(shown, message, cancellationToken);
            if (!detail.Delivered)
                return detail;
            shown = withDetail;

            if (SlackLifecycle.StateReply(shown.Status, notification) is { } reply)
            {
                var replied = await ReplyAsync(shown, notification, reply, cancellationToken);
                // Retried as a whole: the update is repeated with the same content, then the reply.
                if (!replied.Delivered && replied.Retryable)
                    return replied;
                // The graph again on resolve: the picture now shows the recovery.
                if (notification.Status == AlertStatus.Resolved)
                    await graphs.AttachAsync(shown, enriched, cancellationToken);
            }
            await messages.SaveSlackMessageAsync(shown with { Status = notification.Status, UpdatedAt = time.GetUtcNow() }, CancellationToken.None);
            return DeliveryResult.Ok;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Counts a new group's arrival; answers the channel's storm it belongs to — this process's, or the one another
    /// process on the store opened (so replicas share one digest) — or null when it gets a message of its own.
    /// </summary>
    private async Task<SlackStorm?> ObserveAsync(string channel, string identity, AlertNotification notification, CancellationToken cancellationToken)
    {
        var local = storms.Observe(channel, identity, notification.Alerts.Count);
        if (local is { Id: not null })
            return local;
        var now = time.GetUtcNow();
        var candidate = new SlackStormRecord(channel, Guid.NewGuid().ToString("N"), local?.Start ?? now, now, 0, 0);
        var shared = await stormStore.OpenStormAsync(candidate, (notification.Source, notification.GroupKey), now - options.StormWindow, create: local is not null, cancellationToken);
        if (shared is null)
            return local;
        if (local is null)
            return storms.Adopt(shared);
        local.Share(shared);
        return local;
    }

    /// <summary>A new group of a storm: one member of the digest, its full message held in case it gets one.</summary>
    private async Task<StormMember> JoinAsync(
        SlackStorm storm, EnrichedNotification enriched, SlackMessage message, string channel, string identity, CancellationToken cancellationToken)
    {
        var notification = enriched.Notification;
        var member = storm.Join(
            new StormMember(identity, notification.Source, notification.GroupKey, SlackStormMessages.NotificationKey(notification),
                StormLine.Of(enriched), notification.Status) { Detail = (notification, message) },
            options);
        SlackLog.StormMember(logger, channel, notification.GroupKey, storm.Count);
        await ShareAsync(storm, member, cancellationToken);
        return member;
    }

    private Task<DeliveryResult> ProgressStormAsync(SlackStorm storm, StormMember member, string channel, CancellationToken cancellationToken) =>
        stormThread.ProgressAsync(storm, member, channel, async (detailed, digestTs, token) =>
        {
            var (notification, message) = detailed.Detail!.Value;
            return (await PostAsync(notification, message, channel, digestTs, token)).Call;
        }, cancellationToken);

    /// <summary>
    /// The channel's lock is busy in a storm: a new group joins the storm's memory (named at the next edit) and comes
    /// back later; anything else (an update of a posted message) comes back when the channel may be free.
    /// </summary>
    private async Task<DeliveryResult> JoinWhileBusyAsync(
        EnrichedNotification enriched, SlackMessage message, string channel, string identity, SlackStorm busy, CancellationToken cancellationToken)
    {
        var notification = enriched.Notification;
        var wait = busy.NextEditAt(options.StormDigestInterval) - time.GetUtcNow();
        var later = wait > options.PaceInterval ? wait : options.PaceInterval > TimeSpan.Zero ? options.PaceInterval : TimeSpan.FromSeconds(1);
        if (busy.Member(identity) is { } member && member.NotificationKey == SlackStormMessages.NotificationKey(notification))
            return member.Done ? DeliveryResult.Ok : DeliveryResult.Later("in the storm digest's next edit", later);
        if (notification.Kind != NotificationKind.Note && busy.Member(identity) is null)
        {
            var shown = await messages.FindSlackMessageAsync(notification.Source, notification.GroupKey, channel, cancellationToken);
            if (shown is null && await ObserveAsync(channel, identity, notification, cancellationToken) is { } storm)
            {
                await JoinAsync(storm, enriched, message, channel, identity, cancellationToken);
                return DeliveryResult.Later("in the storm digest's next edit", later);
            }
        }
        return DeliveryResult.Later($"channel {channel} is busy with a storm", later);
    }

    /// <summary>A storm member's state changed: its digest line shows it at the next edit.</summary>
    private async Task MarkInStormAsync(string channel, string identity, AlertStatus status)
    {
        if (storms.Current(channel) is { } storm && storm.Member(identity) is { } member && member.Status != status)
        {
            member.Status = status;
            storm.Dirty = true;
            await ShareAsync(storm, member, CancellationToken.None);
        }
    }

    /// <summary>A group before any storm has its own message: every process's next storm in the window counts it.</summary>
    private async Task PostedAloneAsync(string channel, AlertNotification notification)
    {
        if (storms.PostedAlone(channel, StormMember.IdentityOf(notification.Source, notification.GroupKey)) is not { } arrival)
            return;
        try
        {
            // Not cancelled: the message is out, and a storm's count should know it.
            await stormStore.RecordAloneAsync(channel, notification.Source, notification.GroupKey, arrival.Alerts, arrival.At,
                time.GetUtcNow() - options.StormWindow, CancellationToken.None);
        }
        catch (Exception exception)
        {
            SlackLog.StormMemberNotShared(logger, exception, channel, notification.GroupKey);
        }
    }

    /// <summary>The member's line goes to the store, where every process's digest edit reads it.</summary>
    private async Task ShareAsync(SlackStorm storm, StormMember member, CancellationToken cancellationToken)
    {
        if (storm.Id is not { } id)
            return;
        try
        {
            await stormStore.SaveStormMemberAsync(member.Record(id), time.GetUtcNow(), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // This process's own edits still name it (they add the members they hold); only another replica's miss it.
            SlackLog.StormMemberNotShared(logger, exception, storm.Channel, member.GroupKey);
        }
    }

    /// <summary>
    /// Posts the group's message (coloured by state) and remembers where it is. A top-level message is posted under a
    /// recorded intent and carries its metadata, so that a post Slack took but the store never heard of (a crash, a
    /// lost lease) is found in the channel and recorded rather than posted twice (<see cref="SlackPostIntents"/>).
    /// </summary>
    private async Task<(SlackCall Call, SlackMessageRecord? Record)> PostAsync(
        AlertNotification notification, SlackMessage message, string channel, string? threadTs, CancellationToken cancellationToken)
    {
        var (blocks, attachments) = SlackLifecycle.Layout(message, notification);
        var request = new SlackPostMessageRequest(channel, message.Text, blocks, threadTs, attachments);
        SlackPostIntent? intent = null;
        SlackCall? call = null;
        if (threadTs is null)
        {
            (intent, call) = await intents.BeginAsync(notification.Source, notification.GroupKey, channel, cancellationToken);
            request = request with { Metadata = SlackPostIntents.Metadata(intent) };
        }
        call ??= await chat.PostAsync(request, cancellationToken);
        if (!call.Ok || call.Ts is null)
            return (call, null);
        var postedIn = call.Channel ?? channel;
        SlackLog.Posted(logger, notification.GroupKey, postedIn, call.Ts);
        var record = new SlackMessageRecord(notification.Source, notification.GroupKey, postedIn, call.Ts, threadTs, notification.Status, time.GetUtcNow());
        // Still delivered if this fails: the store must know, but retrying would post the message twice.
        await messages.RememberAsync(record, intent, logger);
        return (call, record);
    }

    /// <summary>
    /// Keeps the message's one detail reply current: posted the first time (its ts stored with the message), updated
    /// in place after that, posted again if Slack lost it. A message inside a storm digest's thread has none (Slack
    /// threads do not nest). A retryable failure is retried as a whole: the message update repeats, then this.
    /// </summary>
    private async Task<(DeliveryResult Result, SlackMessageRecord Record)> DetailAsync(
        SlackMessageRecord record, SlackMessage message, CancellationToken cancellationToken)
    {
        if (message.Detail is not { } detail || record.ThreadTs is not null)
            return (DeliveryResult.Ok, record);
        if (record.DetailTs is { } detailTs)
        {
            var updated = await chat.UpdateAsync(SlackLifecycle.DetailUpdate(record.Channel, detailTs, detail), cancellationToken);
            if (updated.Ok || updated.Result.Retryable)
                return (updated.Result, record);
            if (updated.ErrorCode is not { } code || !MessageGone.Contains(code))
            {
                SlackLog.ReplyFailed(logger, record.GroupKey, record.Channel, updated.Result.Error ?? "unknown");
                return (DeliveryResult.Ok, record);
            }
        }
        var posted = await chat.PostAsync(SlackLifecycle.DetailReply(record.Channel, record.Ts, detail), cancellationToken);
        if (!posted.Ok || posted.Ts is null)
        {
            if (posted.Result.Retryable)
                return (posted.Result, record);
            // The message itself is out and current; the detail is a courtesy. Logged, not repeated.
            SlackLog.ReplyFailed(logger, record.GroupKey, record.Channel, posted.Result.Error ?? "unknown");
            return (DeliveryResult.Ok, record);
        }
        var current = record with { DetailTs = posted.Ts, UpdatedAt = time.GetUtcNow() };
        try
        {
            await messages.SaveSlackMessageAsync(current, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The next notification posts a second detail reply; retrying now would post it twice as well.
            SlackLog.NotRemembered(logger, exception, record.GroupKey, record.Channel, posted.Ts);
        }
        return (DeliveryResult.Ok, current);
    }

    /// <summary>
    /// A reply in the group's thread. In a storm digest's thread, shared by many groups, it names its alert first.
    /// A permanent failure is logged and not repeated: the message itself is current.
    /// </summary>
    private async Task<DeliveryResult> ReplyAsync(SlackMessageRecord record, AlertNotification notification, string escapedMrkdwn, CancellationToken cancellationToken)
    {
        if (record.ThreadTs is not null)
            escapedMrkdwn = SlackLifecycle.Named(notification, escapedMrkdwn);
        var replied = await chat.PostAsync(SlackLifecycle.Reply(record.Channel, record.ReplyThread, escapedMrkdwn), cancellationToken);
        if (replied.Ok || replied.Result.Retryable)
            return replied.Result;
        SlackLog.ReplyFailed(logger, record.GroupKey, record.Channel, replied.Result.Error ?? "unknown");
        return DeliveryResult.Ok;
    }

    /// <summary>An incoming webhook posts to one channel and returns no ts: every notification is a new message.</summary>
    private async Task<DeliveryResult> PostWebhookAsync(AlertNotification notification, SlackMessage message, CancellationToken cancellationToken)
    {
        IReadOnlyList<SlackBlock> blocks = notification.Kind == NotificationKind.Note
            ? [.. message.Blocks.Take(1), new SectionBlock(TextObject.Mrkdwn(SlackLifecycle.NoteReply(notification)))]
            : message.Blocks;
        var http = httpClientFactory.CreateClient(WebhookClientName);
        var request = new SlackWebhookRequest(message.Text, blocks);
        await pace.WaitTurnAsync(WebhookChannel, cancellationToken);
        try
        {
            using var content = JsonContent.Create(request, options: SlackJson.Options);
            using var response = await http.PostAsync(options.WebhookUrl, content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var result = SlackResults.FromWebhook(response.StatusCode, response.Headers.RetryAfter, body, time.GetUtcNow());
            if (result.Delivered)
                SlackLog.PostedByWebhook(logger, notification.GroupKey);
            return result;
        }
        catch (Exception exception) when (SlackTransport.IsTransport(exception, cancellationToken))
        {
            return SlackTransport.TransportFailure("Slack webhook", exception);
        }
    }
}
