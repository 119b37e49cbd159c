using AlertLinker.Storage;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Brings a storm's Slack side up to date, called by whoever holds the channel's delivery lock: the digest is posted at
/// once (the first call of the storm), the few full messages go out as they come, and everything else waits for the
/// next coalesced edit — at most one per <see cref="SlackOptions.StormDigestInterval"/> — which posts one batched
/// reply for every group that joined since the last (split only where Slack's limits demand) and then edits the
/// digest pages. A member's notification is delivered once the member is in the thread and named in the digest;
/// until then it is deferred (<see cref="DeliveryResult.Later"/>) and stays in the store, so a crash loses nothing.
/// </summary>
internal sealed class SlackStormThread(
    ISlackChat chat,
    ISlackMessageStore messages,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackStormThread> logger)
{
    /// <summary>Shortest deferral: the store is polled about once a second anyway.</summary>
    private static readonly TimeSpan MinimumDeferral = TimeSpan.FromMilliseconds(500);

    private readonly SlackOptions options = options.Value;

    /// <summary>Posts a member's full message in the digest's thread and remembers it (the sink's post, with its record).</summary>
    public delegate Task<SlackCall> PostDetail(StormMember member, string digestTs, CancellationToken cancellationToken);

    public async Task<DeliveryResult> ProgressAsync(SlackStorm storm, StormMember member, string channel, PostDetail postDetail, CancellationToken cancellationToken)
    {
        if (storm.DigestTs is null)
        {
            var shown = storm.Snapshot();
            var pages = SlackStormMessages.Pages(storm, shown);
            var digest = pages[0];
            var posted = await chat.PostAsync(new SlackPostMessageRequest(channel, digest.Text, digest.Blocks), cancellationToken);
            if (!posted.Ok || posted.Ts is null)
                return posted.Result;
            storm.DigestPosted(posted.Ts, posted.Channel, TextOf(digest), time.GetUtcNow(), shown);
            SlackLog.StormStarted(logger, channel, posted.Ts, storm.EarlierGroups, storm.Count);
            if (await SyncContinuationsAsync(storm, pages, channel, cancellationToken) is { } failed)
                return failed;
        }
        var digestTs = storm.DigestTs!;

        foreach (var detailed in storm.Snapshot().Where(m => m is { State: StormMemberState.Pending, WantsDetail: true, Detail: not null }))
        {
            var call = await postDetail(detailed, digestTs, cancellationToken);
            if (!call.Ok)
                return call.Result;
            detailed.State = StormMemberState.Detailed;
            detailed.DetailTs = call.Ts;
            detailed.Detail = null;
            storm.Dirty = true;
        }

        var now = time.GetUtcNow();
        var edit = storm.NextEditAt(options.StormDigestInterval);
        if (now >= edit && storm.Snapshot() is var members && (storm.Dirty || members.Any(m => !m.Done)))
        {
            if (await EditAsync(storm, members, channel, digestTs, cancellationToken) is { } failed)
                return failed;
            edit = storm.NextEditAt(options.StormDigestInterval);
        }

        if (member.Done)
            return DeliveryResult.Ok;
        var wait = edit - time.GetUtcNow();
        return DeliveryResult.Later(
            $"in the storm digest's next edit (at most one per {options.StormDigestInterval.TotalSeconds:0.#} s)",
            wait > MinimumDeferral ? wait : MinimumDeferral);
    }

    /// <summary>One coalesced edit: the batched reply for every pending group, then the digest pages naming all.</summary>
    private async Task<DeliveryResult?> EditAsync(SlackStorm storm, IReadOnlyList<StormMember> members, string channel, string digestTs, CancellationToken cancellationToken)
    {
        var threadChannel = storm.DigestChannel ?? channel;
        var pending = members.Where(m => m is { State: StormMemberState.Pending, WantsDetail: false }).ToList();
        foreach (var (reply, held) in SlackStormMessages.Batches(pending, storm.DetailedLike))
        {
            var posted = await chat.PostAsync(new SlackPostMessageRequest(channel, reply.Text, reply.Blocks, ThreadTs: digestTs), cancellationToken);
            if (!posted.Ok)
                return posted.Result;
            foreach (var listed in held)
            {
                listed.State = StormMemberState.Listed;
                // The group's message is the digest (a thread root: ts = thread ts): a later notification of the group
                // posts its full message in the thread instead of editing the digest.
                await RememberAsync(new SlackMessageRecord(listed.Source, listed.GroupKey, threadChannel, digestTs, digestTs, listed.Status, time.GetUtcNow()));
            }
            SlackLog.StormBatch(logger, channel, digestTs, held.Count);
        }

        var shown = storm.Snapshot();
        var pages = SlackStormMessages.Pages(storm, shown);
        var digest = pages[0];
        var text = TextOf(digest);
        if (text != storm.DigestText)
        {
            var updated = await chat.UpdateAsync(new SlackUpdateMessageRequest(threadChannel, digestTs, digest.Text, digest.Blocks), cancellationToken);
            if (!updated.Ok)
            {
                if (updated.Result.Retryable)
                    return updated.Result;
                // The digest is a summary: every group is in the thread, so a digest Slack refuses to edit costs no alert.
                SlackLog.DigestNotUpdated(logger, channel, digestTs, updated.Result.Error ?? "unknown");
            }
        }
        storm.Edited(text, time.GetUtcNow(), shown);
        return await SyncContinuationsAsync(storm, pages, channel, cancellationToken);
    }

    /// <summary>Pages 2… of the digest: posted in its thread when new, edited when their text changed.</summary>
    private async Task<DeliveryResult?> SyncContinuationsAsync(SlackStorm storm, IReadOnlyList<SlackMessage> pages, string channel, CancellationToken cancellationToken)
    {
        var threadChannel = storm.DigestChannel ?? channel;
        for (var i = 1; i < pages.Count; i++)
        {
            var page = pages[i];
            var text = TextOf(page);
            if (i - 1 < storm.Continuations.Count)
            {
                var (ts, sent) = storm.Continuations[i - 1];
                if (sent == text)
                    continue;
                var updated = await chat.UpdateAsync(new SlackUpdateMessageRequest(threadChannel, ts, page.Text, page.Blocks), cancellationToken);
                if (!updated.Ok && updated.Result.Retryable)
                    return updated.Result;
                storm.Continuations[i - 1] = (ts, text);
                continue;
            }
            var posted = await chat.PostAsync(new SlackPostMessageRequest(channel, page.Text, page.Blocks, ThreadTs: storm.DigestTs), cancellationToken);
            if (!posted.Ok || posted.Ts is null)
                return posted.Result;
            storm.Continuations.Add((posted.Ts, text));
        }
        return null;
    }

    private async Task RememberAsync(SlackMessageRecord record)
    {
        try
        {
            // Not cancelled: the line is in Slack, the store must know.
            await messages.SaveSlackMessageAsync(record, CancellationToken.None);
        }
        catch (Exception exception)
        {
            SlackLog.NotRemembered(logger, exception, record.GroupKey, record.Channel, record.Ts);
        }
    }

    private static string TextOf(SlackMessage message) => string.Join('\n', message.TextObjects().Select(t => t.Text));
}
