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
/// <para>
/// Several replicas share the storm through <see cref="ISlackStormStore"/>: the digest is posted and edited under a
/// claim (one process at a time, each edit naming every member recorded before it), the post goes out under a
/// recorded intent with its Slack metadata (<see cref="SlackPostIntents"/>), so a process that dies after Slack took
/// the digest leaves it to be found rather than posted again, and each replica posts its own groups' replies.
/// </para>
/// </summary>
internal sealed class SlackStormThread(
    ISlackChat chat,
    ISlackMessageStore messages,
    ISlackStormStore stormStore,
    SlackPostIntents intents,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackStormThread> logger)
{
    /// <summary>Shortest deferral: the store is polled about once a second anyway.</summary>
    private static readonly TimeSpan MinimumDeferral = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claim on the digest holds if its process dies mid-call: then another replica takes over.</summary>
    internal static readonly TimeSpan DigestClaimLease = TimeSpan.FromSeconds(30);

    /// <summary>The source a digest's post intent is recorded under (its group key is the storm's id).</summary>
    internal const string DigestSource = "slack-storm";

    private readonly SlackOptions options = options.Value;

    /// <summary>This process, as the owner of its digest claims.</summary>
    private readonly string owner = Guid.NewGuid().ToString("N");

    /// <summary>Posts a member's full message in the digest's thread and remembers it (the sink's post, with its record).</summary>
    public delegate Task<SlackCall> PostDetail(StormMember member, string digestTs, CancellationToken cancellationToken);

    public async Task<DeliveryResult> ProgressAsync(SlackStorm storm, StormMember member, string channel, PostDetail postDetail, CancellationToken cancellationToken)
    {
        if (storm.DigestTs is null)
        {
            if (!await ClaimAsync(storm, cancellationToken))
                return DeliveryResult.Later("another replica is posting the storm digest", MinimumDeferral);
            try
            {
                if (await PostDigestAsync(storm, channel, cancellationToken) is { } failed)
                    return failed;
            }
            finally
            {
                await ReleaseAsync(storm);
            }
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
            if (!await ClaimAsync(storm, cancellationToken))
                return DeliveryResult.Later("another replica is editing the storm digest", MinimumDeferral);
            try
            {
                if (await EditAsync(storm, members, channel, digestTs, cancellationToken) is { } failed)
                    return failed;
            }
            finally
            {
                await ReleaseAsync(storm);
            }
            edit = storm.NextEditAt(options.StormDigestInterval);
        }

        if (member.Done)
            return DeliveryResult.Ok;
        var wait = edit - time.GetUtcNow();
        return DeliveryResult.Later(
            $"in the storm digest's next edit (at most one per {options.StormDigestInterval.TotalSeconds:0.#} s)",
            wait > MinimumDeferral ? wait : MinimumDeferral);
    }

    /// <summary>
    /// The digest's first post, under the claim: unless another replica posted it meanwhile (the store has its ts),
    /// under a recorded intent whose metadata it carries — a digest an earlier holder of the claim posted and never
    /// recorded is found in the channel's history and taken instead of posted twice.
    /// </summary>
    private async Task<DeliveryResult?> PostDigestAsync(SlackStorm storm, string channel, CancellationToken cancellationToken)
    {
        var shown = await ShownAsync(storm, cancellationToken);
        if (storm.DigestTs is not null)
            return null;
        var pages = SlackStormMessages.Pages(storm, shown);
        var digest = pages[0];
        var request = new SlackPostMessageRequest(channel, digest.Text, digest.Blocks);
        SlackPostIntent? intent = null;
        SlackCall? posted = null;
        if (storm.Id is { } id)
        {
            (intent, posted) = await intents.BeginAsync(DigestSource, id, channel, cancellationToken);
            request = request with { Metadata = SlackPostIntents.Metadata(intent) };
        }
        posted ??= await chat.PostAsync(request, cancellationToken);
        if (!posted.Ok || posted.Ts is null)
            return posted.Result;
        storm.DigestPosted(posted.Ts, posted.Channel, TextOf(digest), time.GetUtcNow(), shown);
        SlackLog.StormStarted(logger, channel, posted.Ts, storm.EarlierGroups, storm.Count);
        if (intent is not null)
            await messages.RememberAsync(new SlackMessageRecord(DigestSource, intent.GroupKey, posted.Channel ?? channel, posted.Ts, null, AlertStatus.Firing, time.GetUtcNow()), intent, logger);
        return await SyncContinuationsAsync(storm, pages, channel, cancellationToken);
    }

    /// <summary>The members the digest names: every process's, in join order, this process's own as they are now.</summary>
    private async Task<IReadOnlyList<StormMember>> ShownAsync(SlackStorm storm, CancellationToken cancellationToken)
    {
        var local = storm.Snapshot();
        if (storm.Id is not { } id)
            return local;
        if (await stormStore.FindStormAsync(storm.Channel, cancellationToken) is { } shared && shared.StormId == id)
            storm.Share(shared);
        var records = await stormStore.StormMembersAsync(id, cancellationToken);
        var shown = new List<StormMember>(Math.Max(records.Count, local.Count));
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var identity = StormMember.IdentityOf(record.Source, record.GroupKey);
            if (named.Add(identity))
                shown.Add(storm.Member(identity) ?? StormMember.Shared(record));
        }
        // Members the store did not take (it failed): named all the same, so their notifications are delivered.
        shown.AddRange(local.Where(m => !named.Contains(m.Identity)));
        return shown;
    }

    private async Task<bool> ClaimAsync(SlackStorm storm, CancellationToken cancellationToken)
    {
        if (storm.Id is not { } id)
            return true;
        var now = time.GetUtcNow();
        return await stormStore.ClaimDigestAsync(id, owner, now, now + DigestClaimLease, cancellationToken);
    }

    private async Task ReleaseAsync(SlackStorm storm)
    {
        if (storm.Id is not { } id)
            return;
        try
        {
            // Not cancelled: the claim must not hold the other replicas off for its whole lease.
            await stormStore.ReleaseDigestAsync(id, owner, storm.OwnsPages ? storm.DigestTs : null, storm.DigestChannel, CancellationToken.None);
        }
        catch (Exception exception)
        {
            SlackLog.StormDigestNotShared(logger, exception, storm.Channel, storm.DigestTs);
        }
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
                await messages.RememberAsync(new SlackMessageRecord(listed.Source, listed.GroupKey, threadChannel, digestTs, digestTs, listed.Status, time.GetUtcNow()), intent: null, logger);
            }
            SlackLog.StormBatch(logger, channel, digestTs, held.Count);
        }

        var shown = await ShownAsync(storm, cancellationToken);
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
        // Their ts are this process's: a replica that found the digest posted leaves them to the one that posted it.
        if (!storm.OwnsPages)
            return null;
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

    private static string TextOf(SlackMessage message) => string.Join('\n', message.TextObjects().Select(t => t.Text));
}
