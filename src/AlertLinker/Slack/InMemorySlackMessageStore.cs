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

    public Task SaveSlackMessageAsync(SlackMessageRecord record, CancellationToken cancellationToken)
    {
        records[(record.Source, record.GroupKey, record.Channel)] = record;
        return Task.CompletedTask;
    }
}
