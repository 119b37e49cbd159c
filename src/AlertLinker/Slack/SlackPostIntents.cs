namespace AlertLinker.Slack;

/// <summary>
/// Exactly one top-level message per group, even when the process dies (kill -9) or loses its claim between Slack
/// accepting a post and the store recording its ts. The intent is recorded before the post, and the post carries
/// Slack message metadata naming the intent; a later delivery that finds the intent still open reads the channel's
/// recent history (<c>conversations.history</c>, <c>include_all_metadata=true</c>, from shortly before the intent)
/// for a message with that metadata and records its ts instead of posting again.
/// </summary>
internal sealed class SlackPostIntents(ISlackChat chat, ISlackMessageStore messages, TimeProvider time, ILogger<SlackPostIntents> logger)
{
    /// <summary>The metadata event type of a group's top-level post.</summary>
    public const string EventType = "alertlinker_delivery";

    /// <summary>The payload key holding the intent's id.</summary>
    public const string DeliveryIdKey = "delivery_id";

    /// <summary>History is searched from this long before the intent: Slack's clock and ours may disagree a little.</summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(2);

    /// <summary>Pages of history read at most (200 messages each): bounded, as a channel in a storm can be busy.</summary>
    public const int MaxHistoryPages = 10;

    /// <summary>The metadata a post made under <paramref name="intent"/> carries.</summary>
    public static SlackMessageMetadata Metadata(SlackPostIntent intent) => new(EventType, new Dictionary<string, string>
    {
        [DeliveryIdKey] = intent.DeliveryId,
        ["source"] = intent.Source,
        ["group_key"] = intent.GroupKey,
    });

    /// <summary>
    /// Records the intent to post the group's message to <paramref name="channel"/> (or takes the open one). When an
    /// earlier delivery's post is found in the channel, <c>Found</c> is that post; when the history could not be read
    /// for a reason that passes (429, 5xx, network), <c>Found</c> is that failure, to be retried.
    /// </summary>
    public async Task<(SlackPostIntent Intent, SlackCall? Found)> BeginAsync(string source, string groupKey, string channel, CancellationToken cancellationToken)
    {
        var fresh = new SlackPostIntent(source, groupKey, channel, Guid.NewGuid().ToString("N"), time.GetUtcNow());
        var intent = await messages.BeginPostAsync(fresh, cancellationToken);
        if (intent.DeliveryId == fresh.DeliveryId)
            return (intent, null);

        var oldest = intent.RecordedAt - ClockSlack;
        string? cursor = null;
        for (var page = 0; page < MaxHistoryPages; page++)
        {
            var history = await chat.HistoryAsync(channel, oldest, cursor, cancellationToken);
            if (!history.Result.Delivered)
            {
                if (history.Result.Retryable)
                    return (intent, new SlackCall(history.Result));
                SlackLog.HistoryUnreadable(logger, groupKey, channel, intent.DeliveryId, history.ErrorCode ?? history.Result.Error ?? "unknown");
                return (intent, null);
            }
            if (history.Messages.FirstOrDefault(m => IsPostOf(m, intent)) is { Ts: { } ts })
            {
                SlackLog.PostRecovered(logger, groupKey, channel, intent.DeliveryId, ts);
                return (intent, new SlackCall(DeliveryResult.Ok, ts, Channel: channel));
            }
            if ((cursor = history.NextCursor) is null)
                break;
        }
        SlackLog.PostNotFound(logger, groupKey, channel, intent.DeliveryId, oldest);
        return (intent, null);
    }

    /// <summary>A top-level message (not a broadcast thread reply) carrying this intent's metadata.</summary>
    private static bool IsPostOf(SlackHistoryMessage message, SlackPostIntent intent) =>
        (message.ThreadTs is null || message.ThreadTs == message.Ts)
        && message.Metadata is { EventType: EventType, EventPayload: { ValueKind: System.Text.Json.JsonValueKind.Object } payload }
        && payload.TryGetProperty(DeliveryIdKey, out var id)
        && id.ValueKind == System.Text.Json.JsonValueKind.String
        && id.GetString() == intent.DeliveryId;
}
