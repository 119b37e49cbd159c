using System.Collections.Concurrent;

namespace AlertLinker.Slack;

/// <summary>
/// Where group messages are remembered when no durable store is registered (the Slack sink on its own, as in its
/// tests). The service registers the SQLite store instead, so messages are still updated after a restart.
/// </summary>
internal sealed class InMemorySlackMessageStore : ISlackMessageStore
{
    private readonly ConcurrentDictionary<(string, string, string), SlackMessageRecord> records = new();

    public Task<SlackMessageRecord?> FindSlackMessageAsync(string source, string groupKey, string channel, CancellationToken cancellationToken) =>
        Task.FromResult(records.TryGetValue((source, groupKey, channel), out var record)
            ? record
            : records.Values.Where(r => r.Source == source && r.GroupKey == groupKey).MaxBy(r => r.UpdatedAt));

    private readonly ConcurrentDictionary<(string, string, string), SlackPostIntent> intents = new();

    public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken)
    {
        records[(record.Source, record.GroupKey, record.Channel)] = record;
        return Task.CompletedTask;
    }

    public Task<SlackPostIntent> BeginPostAsync(SlackPostIntent intent, CancellationToken cancellationToken) =>
        Task.FromResult(intents.GetOrAdd((intent.Source, intent.GroupKey, intent.Channel), intent));

    public Task CompletePostAsync(SlackPostIntent intent, SlackMessageRecord record, CancellationToken cancellationToken)
    {
        records[(record.Source, record.GroupKey, record.Channel)] = record;
        intents.TryRemove(KeyValuePair.Create((intent.Source, intent.GroupKey, intent.Channel), intent));
        return Task.CompletedTask;
    }
}

/// <summary>The storm digests when no durable store is registered: one process, so the same rules over plain data.</summary>
internal sealed class InMemorySlackStormStore : ISlackStormStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SlackStormRecord> storms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Owner, DateTimeOffset Until)> claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SlackStormMemberRecord>> members = new(StringComparer.Ordinal);
    private readonly List<(string Channel, string Source, string GroupKey, int Alerts, DateTimeOffset At)> alone = [];

    public Task RecordAloneAsync(string channel, string source, string groupKey, int alerts, DateTimeOffset arrivedAt, DateTimeOffset openSince, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            alone.RemoveAll(a => a.Channel == channel && a.At < openSince);
            if (alone.Any(a => a.Channel == channel && a.Source == source && a.GroupKey == groupKey))
                return Task.CompletedTask;
            alone.Add((channel, source, groupKey, alerts, arrivedAt));
            if (storms.TryGetValue(channel, out var open) && open.LastArrival >= openSince)
                storms[channel] = open with { EarlierGroups = open.EarlierGroups + 1, EarlierAlerts = open.EarlierAlerts + alerts };
        }
        return Task.CompletedTask;
    }

    public Task<SlackStormRecord?> OpenStormAsync(
        SlackStormRecord candidate, (string Source, string GroupKey) arriving, DateTimeOffset openSince, bool create, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (storms.TryGetValue(candidate.Channel, out var open) && open.LastArrival >= openSince)
            {
                var joined = open.JoinedBy(candidate);
                storms[candidate.Channel] = joined;
                return Task.FromResult<SlackStormRecord?>(joined);
            }
            if (!create)
                return Task.FromResult<SlackStormRecord?>(null);
            if (open is not null)
            {
                members.Remove(open.StormId);
                claims.Remove(open.StormId);
            }
            var earlier = alone.Where(a => a.Channel == candidate.Channel && a.At >= openSince && (a.Source, a.GroupKey) != arriving).ToList();
            var created = candidate with { EarlierGroups = earlier.Count, EarlierAlerts = earlier.Sum(a => a.Alerts), DigestTs = null, DigestChannel = null };
            storms[candidate.Channel] = created;
            return Task.FromResult<SlackStormRecord?>(created);
        }
    }

    public Task<SlackStormRecord?> FindStormAsync(string channel, CancellationToken cancellationToken)
    {
        lock (gate)
            return Task.FromResult(storms.GetValueOrDefault(channel));
    }

    public Task<bool> ClaimDigestAsync(string stormId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (claims.TryGetValue(stormId, out var held) && held.Owner != owner && held.Until >= now)
                return Task.FromResult(false);
            claims[stormId] = (owner, until);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseDigestAsync(string stormId, string owner, string? digestTs, string? digestChannel, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (claims.TryGetValue(stormId, out var held) && held.Owner == owner)
                claims.Remove(stormId);
            if (digestTs is not null && storms.Values.FirstOrDefault(s => s.StormId == stormId) is { DigestTs: null } storm)
                storms[storm.Channel] = storm with { DigestTs = digestTs, DigestChannel = digestChannel };
        }
        return Task.CompletedTask;
    }

    public Task SaveStormMemberAsync(SlackStormMemberRecord member, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!members.TryGetValue(member.StormId, out var list))
                members[member.StormId] = list = [];
            var index = list.FindIndex(m => m.Source == member.Source && m.GroupKey == member.GroupKey);
            if (index >= 0)
                list[index] = member;
            else
                list.Add(member);
            if (storms.Values.FirstOrDefault(s => s.StormId == member.StormId) is { } storm && at > storm.LastArrival)
                storms[storm.Channel] = storm with { LastArrival = at };
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SlackStormMemberRecord>> StormMembersAsync(string stormId, CancellationToken cancellationToken)
    {
        lock (gate)
            return Task.FromResult<IReadOnlyList<SlackStormMemberRecord>>(members.TryGetValue(stormId, out var list) ? [.. list] : []);
    }
}
