using Refit;

namespace AlertLinker.Slack;

/// <summary>The Slack Web API methods we call (base address: <see cref="SlackOptions.ApiUrl"/>).</summary>
internal interface ISlackApi
{
    /// <summary>https://docs.slack.dev/reference/methods/chat.postMessage</summary>
    [Post("/chat.postMessage")]
    Task<IApiResponse<SlackApiResponse>> PostMessageAsync(
        [Body] SlackPostMessageRequest request,
        [Authorize("Bearer")] string token,
        CancellationToken cancellationToken);

    /// <summary>https://docs.slack.dev/reference/methods/chat.update — a group's message on acknowledge, resolve and repeats.</summary>
    [Post("/chat.update")]
    Task<IApiResponse<SlackApiResponse>> UpdateMessageAsync(
        [Body] SlackUpdateMessageRequest request,
        [Authorize("Bearer")] string token,
        CancellationToken cancellationToken);

    /// <summary>
    /// https://docs.slack.dev/reference/methods/conversations.history — after a crash, a channel's recent top-level
    /// messages with their metadata (<c>include_all_metadata=true</c>; scopes channels:history, groups:history), to
    /// find a post the service made but never recorded. Newest first; <c>oldest</c> bounds how far back.
    /// </summary>
    [Get("/conversations.history")]
    Task<IApiResponse<SlackHistoryResponse>> HistoryAsync(
        string channel,
        string oldest,
        int limit,
        [AliasAs("include_all_metadata")] string includeAllMetadata,
        string? cursor,
        [Authorize("Bearer")] string token,
        CancellationToken cancellationToken);

    /// <summary>https://docs.slack.dev/reference/methods/auth.test — at start-up, to learn that Slack takes the bot token.</summary>
    [Post("/auth.test")]
    Task<IApiResponse<SlackAuthTestResponse>> AuthTestAsync(
        [Authorize("Bearer")] string token,
        CancellationToken cancellationToken);
}

/// <summary>auth.test answer: <c>{ok:true, team, user, team_id, user_id, bot_id}</c> or HTTP 200 <c>{ok:false, error}</c>.</summary>
internal sealed record SlackAuthTestResponse(
    bool Ok,
    string? Error = null,
    string? Team = null,
    string? User = null,
    string? TeamId = null,
    string? BotId = null);

/// <summary>
/// chat.postMessage body: blocks at the top level, or inside one attachment for a colour bar. Unfurls off: a trace
/// link preview would bury the alert.
/// </summary>
internal sealed record SlackPostMessageRequest(
    string Channel,
    string Text,
    IReadOnlyList<SlackBlock>? Blocks,
    string? ThreadTs = null,
    IReadOnlyList<SlackAttachment>? Attachments = null,
    bool UnfurlLinks = false,
    bool UnfurlMedia = false)
{
    /// <summary>Message metadata (Slack's <c>metadata</c> field): on a group's top-level post, which delivery sent it.</summary>
    public SlackMessageMetadata? Metadata { get; init; }
}

/// <summary>
/// Slack message metadata: <c>{"event_type": "…", "event_payload": {…}}</c> (https://docs.slack.dev/messaging/message-metadata).
/// The payload is a flat object of strings here.
/// </summary>
internal sealed record SlackMessageMetadata(string EventType, IReadOnlyDictionary<string, string> EventPayload);

/// <summary>conversations.history answer: <c>{ok, messages[], has_more, response_metadata{next_cursor}}</c> or <c>{ok:false, error}</c>.</summary>
internal sealed record SlackHistoryResponse(
    bool Ok,
    string? Error = null,
    IReadOnlyList<SlackHistoryMessage>? Messages = null,
    bool HasMore = false,
    SlackCursorMetadata? ResponseMetadata = null);

/// <summary>One message of a channel's history: its ts, its thread if a broadcast reply, and its metadata if asked for.</summary>
internal sealed record SlackHistoryMessage(string? Ts = null, string? ThreadTs = null, SlackHistoryMetadata? Metadata = null);

/// <summary>Metadata as history gives it back: the payload is whatever the poster sent, so it is read loosely.</summary>
internal sealed record SlackHistoryMetadata(string? EventType = null, System.Text.Json.JsonElement? EventPayload = null);

internal sealed record SlackCursorMetadata(string? NextCursor = null);

/// <summary>
/// chat.update body: channel ID + ts of the original message; text and blocks (or the attachment holding them) are
/// sent together, as what is sent replaces the message.
/// </summary>
internal sealed record SlackUpdateMessageRequest(
    string Channel,
    string Ts,
    string Text,
    IReadOnlyList<SlackBlock>? Blocks,
    IReadOnlyList<SlackAttachment>? Attachments = null);

/// <summary>
/// A legacy attachment used only for its colour bar (hex <c>#RRGGBB</c>): the alert's blocks sit inside it, so
/// chat.update can turn the bar from red to green in place.
/// </summary>
internal sealed record SlackAttachment(string Color, IReadOnlyList<SlackBlock> Blocks);

/// <summary>Incoming webhook body.</summary>
internal sealed record SlackWebhookRequest(
    string Text,
    IReadOnlyList<SlackBlock> Blocks,
    bool UnfurlLinks = false,
    bool UnfurlMedia = false);

/// <summary>Web API answer: <c>{ok:true, channel, ts}</c> or HTTP 200 <c>{ok:false, error}</c>, maybe with warnings.</summary>
internal sealed record SlackApiResponse(
    bool Ok,
    string? Error = null,
    string? Channel = null,
    string? Ts = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null);

internal sealed record SlackResponseMetadata(IReadOnlyList<string>? Warnings = null, IReadOnlyList<string>? Messages = null);
