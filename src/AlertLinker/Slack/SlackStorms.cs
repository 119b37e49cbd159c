using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Spots alert storms per channel. A storm starts when a new alert group arrives and more than
/// <see cref="SlackOptions.StormThreshold"/> new groups (this one included) reached the channel within the last
/// <see cref="SlackOptions.StormWindow"/>. From then on every new group joins the storm — one digest message listing
/// every group, the groups' details in its thread — until a whole window passes without a new group and every member
/// is in Slack. Groups posted on their own before the storm keep their messages and are counted once.
/// <para>
/// Arrivals are counted in memory, per process. A storm once started is shared through the store
/// (<see cref="ISlackStormStore"/>): its digest's ts, the groups it lists and the earlier groups it counts, so that
/// replicas on one database post one digest and every replica's groups join it (see <see cref="SlackStormThread"/>).
/// </para>
/// </summary>
internal sealed class SlackStorms(IOptions<SlackOptions> options, TimeProvider time)
{
    private readonly SlackOptions options = options.Value;
    private readonly Dictionary<string, ChannelState> channels = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>
    /// Records a new group arriving in <paramref name="channel"/> with <paramref name="alerts"/> alerts; returns the storm
    /// it belongs to, or null when it gets a message of its own. The same group observed again (a retry) is counted once.
    /// </summary>
    public SlackStorm? Observe(string channel, string groupIdentity, int alerts)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var state))
                channels[channel] = state = new ChannelState();

            while (state.Recent.Count > 0 && now - state.Recent.Peek().At > options.StormWindow)
                state.Seen.Remove(state.Recent.Dequeue().Group);
            if (state.Seen.TryGetValue(groupIdentity, out var seen))
                seen.Alerts = alerts;
            else
            {
                var arrival = new Arrival(now, groupIdentity) { Alerts = alerts };
                state.Seen[groupIdentity] = arrival;
                state.Recent.Enqueue(arrival);
            }

            EndIfOver(state, now);
            if (state.Storm is null && state.Recent.Count > options.StormThreshold)
            {
                // Only groups whose own message is in Slack are "before the storm": a group whose post failed (Slack
                // was down) joins the storm when it is retried, and is counted there, once.
                var alone = state.Recent.Where(a => a.PostedAlone && a.Group != groupIdentity).ToList();
                state.Storm = new SlackStorm(channel, state.Recent.Peek().At, alone.Count, alone.Sum(a => a.Alerts));
            }
            state.Storm?.Arrived(now);
            return state.Storm;
        }
    }

    /// <summary>
    /// The group's own message is in Slack (it came before any storm): a later storm counts it as earlier. Answers when
    /// it arrived and with how many alerts, for the store (other processes' storms count it too).
    /// </summary>
    public (DateTimeOffset At, int Alerts)? PostedAlone(string channel, string groupIdentity)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var state) || !state.Seen.TryGetValue(groupIdentity, out var arrival))
                return null;
            arrival.PostedAlone = true;
            return (arrival.At, arrival.Alerts);
        }
    }

    /// <summary>The channel's storm is the shared one (another process opened it): this process's groups join it.</summary>
    public SlackStorm Adopt(SlackStormRecord shared)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!channels.TryGetValue(shared.Channel, out var state))
                channels[shared.Channel] = state = new ChannelState();
            state.Storm ??= new SlackStorm(shared.Channel, shared.Start, shared.EarlierGroups, shared.EarlierAlerts);
            state.Storm.Share(shared);
            state.Storm.Arrived(now);
            return state.Storm;
        }
    }

    /// <summary>The channel's storm if one is going on now.</summary>
    public SlackStorm? Current(string channel)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var state))
                return null;
            EndIfOver(state, now);
            return state.Storm;
        }
    }

    /// <summary>A storm ends when a whole window passed without a new group, but never while a member waits for Slack.</summary>
    private void EndIfOver(ChannelState state, DateTimeOffset now)
    {
        if (state.Storm is { } storm && now - storm.LastArrival > options.StormWindow && !storm.HasPending)
            state.Storm = null;
    }

    private sealed class Arrival(DateTimeOffset at, string group)
    {
        public DateTimeOffset At { get; } = at;

        public string Group { get; } = group;

        public int Alerts { get; set; }

        public bool PostedAlone { get; set; }
    }

    private sealed class ChannelState
    {
        public Queue<Arrival> Recent { get; } = new();

        public Dictionary<string, Arrival> Seen { get; } = new(StringComparer.Ordinal);

        public SlackStorm? Storm { get; set; }
    }
}

/// <summary>
/// One storm in one channel: its members in arrival order, the digest (page 1) and its continuation pages (replies in
/// the digest's thread) once posted, and when the digest was last edited. Members join under the storm's own lock
/// (also while the channel's delivery lock is held elsewhere); Slack calls are made by whoever holds the channel lock.
/// </summary>
internal sealed class SlackStorm(string channel, DateTimeOffset start, int earlierGroups, int earlierAlerts)
{
    private readonly Lock gate = new();
    private readonly List<StormMember> members = [];
    private readonly Dictionary<string, StormMember> byIdentity = new(StringComparer.Ordinal);
    private readonly List<string> detailSignatures = [];
    private int details;

    public string Channel { get; } = channel;

    public DateTimeOffset Start { get; private set; } = start;

    /// <summary>The storm's id in the store once shared (<see cref="ISlackStormStore"/>); null before.</summary>
    public string? Id { get; private set; }

    /// <summary>This process posted the digest, so it keeps the continuation pages (their ts are not shared).</summary>
    public bool OwnsPages { get; private set; }

    public DateTimeOffset LastArrival { get; private set; } = start;

    /// <summary>Groups of the window that started the storm, each with its own message above the digest.</summary>
    public int EarlierGroups { get; private set; } = earlierGroups;

    public int EarlierAlerts { get; private set; } = earlierAlerts;

    /// <summary>The digest's ts once posted; its thread holds the details, the batched lines and continuation pages.</summary>
    public string? DigestTs { get; private set; }

    /// <summary>The channel ID Slack answered the digest's post with (the configured name may not be an ID).</summary>
    public string? DigestChannel { get; private set; }

    /// <summary>When the digest pages were last posted or edited; null before the digest exists.</summary>
    public DateTimeOffset? LastEdit { get; private set; }

    /// <summary>ts and last sent text of each continuation page (page 2 onwards), replies in the digest's thread.</summary>
    public List<(string Ts, string Text)> Continuations { get; } = [];

    /// <summary>The digest's last sent text, to skip an edit that would change nothing.</summary>
    public string? DigestText { get; set; }

    /// <summary>Something a member shows changed since the last edit (a detail posted, a group resolved).</summary>
    public bool Dirty { get; set; }

    public int Count
    {
        get
        {
            lock (gate)
                return members.Count;
        }
    }

    /// <summary>Groups of the storm: those before it with messages of their own and its members, each once.</summary>
    public int Groups => EarlierGroups + Count;

    public int Alerts
    {
        get
        {
            lock (gate)
                return EarlierAlerts + members.Sum(m => m.Alerts);
        }
    }

    public bool HasPending
    {
        get
        {
            lock (gate)
                return members.Any(m => !m.Done);
        }
    }

    internal void Arrived(DateTimeOffset at)
    {
        lock (gate)
        {
            if (at > LastArrival)
                LastArrival = at;
        }
    }

    public StormMember? Member(string groupIdentity)
    {
        lock (gate)
            return byIdentity.GetValueOrDefault(groupIdentity);
    }

    /// <summary>
    /// Adds a group (or refreshes a member's line and notification: a retry, or a redelivery that waited for the next
    /// edit). Whether it gets its full message in the thread is decided once, when it first joins: the first
    /// <see cref="SlackOptions.StormDetails"/> groups, then groups whose findings no detailed group shares, up to
    /// <see cref="SlackOptions.StormMaxDetails"/>.
    /// </summary>
    public StormMember Join(StormMember candidate, SlackOptions options)
    {
        lock (gate)
        {
            if (byIdentity.TryGetValue(candidate.Identity, out var member))
            {
                member.Refresh(candidate);
                return member;
            }
            var detail = details < options.StormDetails
                || (details < options.StormMaxDetails && !detailSignatures.Contains(candidate.Line.Signature, StringComparer.Ordinal));
            if (detail)
            {
                details++;
                detailSignatures.Add(candidate.Line.Signature);
            }
            candidate.WantsDetail = detail;
            members.Add(candidate);
            byIdentity[candidate.Identity] = candidate;
            return candidate;
        }
    }

    /// <summary>Members in arrival order, as they are now.</summary>
    public IReadOnlyList<StormMember> Snapshot()
    {
        lock (gate)
            return [.. members];
    }

    /// <summary>The group (of those detailed) whose findings this member shares, for "like X" in its line.</summary>
    public StormMember? DetailedLike(StormMember member)
    {
        lock (gate)
            return members.FirstOrDefault(m => m.State == StormMemberState.Detailed && m != member && m.Line.Signature == member.Line.Signature);
    }

    /// <summary>Takes what the store knows of the storm: its id, its counts over every process, the digest another posted.</summary>
    public void Share(SlackStormRecord shared)
    {
        lock (gate)
        {
            Id = shared.StormId;
            Start = shared.Start;
            EarlierGroups = shared.EarlierGroups;
            EarlierAlerts = shared.EarlierAlerts;
            if (shared.LastArrival > LastArrival)
                LastArrival = shared.LastArrival;
            if (DigestTs is null && shared.DigestTs is not null)
            {
                DigestTs = shared.DigestTs;
                DigestChannel = shared.DigestChannel;
            }
        }
    }

    public void DigestPosted(string ts, string? channelId, string text, DateTimeOffset at, IEnumerable<StormMember> shown)
    {
        DigestTs = ts;
        DigestChannel = channelId;
        OwnsPages = true;
        Edited(text, at, shown);
    }

    /// <summary>The pages went out at <paramref name="at"/> naming <paramref name="shown"/>.</summary>
    public void Edited(string text, DateTimeOffset at, IEnumerable<StormMember> shown)
    {
        DigestText = text;
        LastEdit = at;
        Dirty = false;
        lock (gate)
        {
            foreach (var member in shown)
                member.InDigest = true;
        }
    }

    /// <summary>When the next digest edit may go out.</summary>
    public DateTimeOffset NextEditAt(TimeSpan interval) => (LastEdit ?? Start) + interval;
}

/// <summary>Where a storm member is in Slack.</summary>
internal enum StormMemberState
{
    /// <summary>Not in the thread yet: waits for its detail post or the next batched reply.</summary>
    Pending,

    /// <summary>Its full message is a reply in the digest's thread (the group's record points at it).</summary>
    Detailed,

    /// <summary>One line of a batched reply in the digest's thread (the group's record points at the digest).</summary>
    Listed,
}

/// <summary>
/// One group of a storm. The built message is held only until its detail is posted. A member is done — its
/// notification delivered — once it is in the thread and named in the digest.
/// </summary>
internal sealed class StormMember(string identity, string source, string groupKey, string notificationKey, StormLine line, AlertStatus status)
{
    /// <summary>How a group is known within a channel's storm.</summary>
    public static string IdentityOf(string source, string groupKey) => source + "\n" + groupKey;

    /// <summary>A member another process delivers, as the store shows it: only its digest line.</summary>
    public static StormMember Shared(SlackStormMemberRecord record) =>
        new(IdentityOf(record.Source, record.GroupKey), record.Source, record.GroupKey, "",
            new StormLine(record.Name, record.Services, record.Alerts, "", null, null, null), record.Status)
        {
            WantsDetail = record.Detailed,
            State = StormMemberState.Listed,
        };

    /// <summary>What the store keeps of this member for the digest.</summary>
    public SlackStormMemberRecord Record(string stormId) =>
        new(stormId, Source, GroupKey, Line.Name, Line.Services, Alerts, Status, State == StormMemberState.Detailed || WantsDetail);

    public string Identity { get; } = identity;

    public string Source { get; } = source;

    public string GroupKey { get; } = groupKey;

    /// <summary>Identifies the notification that brought the group, so its redelivery is recognised.</summary>
    public string NotificationKey { get; private set; } = notificationKey;

    public StormLine Line { get; private set; } = line;

    public int Alerts => Line.Alerts;

    public AlertStatus Status { get; set; } = status;

    public bool WantsDetail { get; set; }

    public StormMemberState State { get; set; }

    /// <summary>The ts of its full message once posted.</summary>
    public string? DetailTs { get; set; }

    public bool InDigest { get; set; }

    public bool Done => State != StormMemberState.Pending && InDigest;

    /// <summary>What to post as its full message (kept only while pending with a detail to post).</summary>
    public (AlertNotification Notification, SlackMessage Message)? Detail { get; set; }

    internal void Refresh(StormMember newer)
    {
        NotificationKey = newer.NotificationKey;
        Line = newer.Line;
        Status = newer.Status;
        if (State == StormMemberState.Pending)
            Detail = newer.Detail;
    }
}

/// <summary>What a storm member's lines show: raw text, escaped when rendered.</summary>
/// <param name="Signature">What its findings say, without the numbers (culprit and error-origin spans, fan-out labels): equal signatures tell one story.</param>
/// <param name="Headline">The first finding of its first analysed trace, if any.</param>
/// <param name="Link">One search link (the first backend's), so a group without its own message is one click from its traces.</param>
internal sealed record StormLine(string Name, string? Services, int Alerts, string Signature, string? Headline, Uri? Link, string? LinkTitle)
{
    public static StormLine Of(EnrichedNotification enriched)
    {
        var names = enriched.Alerts.Select(a => a.Alert.Name).Distinct(StringComparer.Ordinal).ToList();
        var name = names.Count switch
        {
            0 => enriched.Notification.GroupKey,
            1 => names[0],
            _ => $"{names[0]} (+{names.Count - 1})",
        };
        var services = enriched.Alerts.Select(a => a.Resolved.Service).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var analyses = enriched.Alerts.SelectMany(a => a.Backends).SelectMany(s => s.Analyses).ToList();
        var signature = string.Join('\n', analyses.SelectMany(a => a.Insights.Findings).Select(Story).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var link = enriched.Alerts.SelectMany(a => a.Backends).SelectMany(s => s.Links).FirstOrDefault();
        return new StormLine(
            name,
            services.Count == 0 ? null : string.Join(", ", services.Take(3)) + (services.Count > 3 ? $" (+{services.Count - 3})" : ""),
            Math.Max(1, enriched.Notification.Alerts.Count + enriched.Notification.TruncatedAlerts),
            signature,
            analyses.SelectMany(a => a.Insights.Findings).Select(f => f.Summary).FirstOrDefault(),
            link?.Url,
            link?.Title);
    }

    /// <summary>A finding without its numbers: two groups whose slow span is the same query tell the same story.</summary>
    private static string Story(Finding finding) => finding switch
    {
        CulpritFinding culprit => $"slow {culprit.Span.Service} {culprit.Span.Operation}",
        ErrorOriginFinding error => $"error {error.Span.Service} {error.Span.Operation} {error.Code}",
        FanOutFinding fanOut => $"fan-out {fanOut.Service} {fanOut.Label}",
        _ => finding.GetType().Name,
    };
}
