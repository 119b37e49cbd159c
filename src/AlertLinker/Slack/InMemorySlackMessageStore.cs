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
