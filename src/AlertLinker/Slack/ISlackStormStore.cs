namespace AlertLinker.Slack;

/// <summary>
/// The storm digests every process on the store shares: per channel its latest storm (the digest's ts once posted,
/// the earlier groups it counts, who is posting or editing it now) and the groups it lists. Two replicas in one storm
/// so post one digest and edit it with every group, whichever replica delivered which. Implemented by the durable
/// stores next to <see cref="ISlackMessageStore"/>; the sink on its own keeps it in memory.
/// </summary>
public interface ISlackStormStore
{
    /// <summary>
    /// Joins the channel's open storm — one whose latest arrival is not before <paramref name="openSince"/> — counting
    /// <paramref name="candidate"/>'s arrival; without one, records <paramref name="candidate"/> as the channel's storm
    /// when <paramref name="create"/> (a unique key per channel: of two processes opening at once, one creates and the
    /// other joins), else answers null. A created storm counts as earlier every group posted alone in the channel
    /// (<see cref="RecordAloneAsync"/>, by any process) that arrived since <paramref name="openSince"/>, but
    /// <paramref name="arriving"/>; the candidate's own earlier counts are not used.
    /// </summary>
    Task<SlackStormRecord?> OpenStormAsync(
        SlackStormRecord candidate, (string Source, string GroupKey) arriving, DateTimeOffset openSince, bool create, CancellationToken cancellationToken);

    /// <summary>
    /// A new group of the channel, arrived at <paramref name="arrivedAt"/>, got a message of its own: a storm opened
    /// later in the window counts it as earlier, and a storm already open (another process opened it while this one
    /// posted) counts it now. Groups that arrived before <paramref name="openSince"/> are forgotten.
    /// </summary>
    Task RecordAloneAsync(string channel, string source, string groupKey, int alerts, DateTimeOffset arrivedAt, DateTimeOffset openSince, CancellationToken cancellationToken);

    /// <summary>The channel's latest storm, open or over; null when it never had one.</summary>
    Task<SlackStormRecord?> FindStormAsync(string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to post or edit the storm's digest until <paramref name="until"/>: true when no one else holds
    /// it (or their claim ran out before <paramref name="now"/>, say they died), so the digest's Slack calls are made by
    /// one process at a time and each edit names every member recorded before it.
    /// </summary>
    Task<bool> ClaimDigestAsync(string stormId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the claim back, recording the digest's ts (and the channel ID Slack answered with) the first time it is known.</summary>
    Task ReleaseDigestAsync(string stormId, string owner, string? digestTs, string? digestChannel, CancellationToken cancellationToken);

    /// <summary>Inserts or updates a group of the storm (keeping its place in join order) and counts it as an arrival at <paramref name="at"/>.</summary>
    Task SaveStormMemberAsync(SlackStormMemberRecord member, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The storm's groups in the order they joined, whichever process they joined through.</summary>
    Task<IReadOnlyList<SlackStormMemberRecord>> StormMembersAsync(string stormId, CancellationToken cancellationToken);
}

/// <summary>One channel's storm as the store keeps it.</summary>
/// <param name="EarlierGroups">Groups of the window that started the storm with messages of their own, from every process.</param>
/// <param name="DigestTs">The digest's ts once posted; null before.</param>
public sealed record SlackStormRecord(
    string Channel,
    string StormId,
    DateTimeOffset Start,
    DateTimeOffset LastArrival,
    int EarlierGroups,
    int EarlierAlerts,
    string? DigestTs = null,
    string? DigestChannel = null)
{
    /// <summary>This open storm joined by <paramref name="candidate"/>: its arrival counted.</summary>
    public SlackStormRecord JoinedBy(SlackStormRecord candidate) =>
        this with { LastArrival = LastArrival > candidate.LastArrival ? LastArrival : candidate.LastArrival };
}

/// <summary>What the digest shows of one group: its line, as raw text (escaped when rendered).</summary>
/// <param name="Detailed">Its full message is (or will be) in the digest's thread: the line says so.</param>
public sealed record SlackStormMemberRecord(
    string StormId,
    string Source,
    string GroupKey,
    string Name,
    string? Services,
    int Alerts,
    AlertStatus Status,
    bool Detailed);
