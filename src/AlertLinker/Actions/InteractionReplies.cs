using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

/// <summary>
/// What the person who clicked sees: an ephemeral answer (Slack's response_url), a thread reply saying who did what,
/// and the message with its row of actions replaced. With a bot token the Web API is used (chat.postMessage in the
/// thread, chat.update); without one, the response_url does both (in the channel, and replace_original).
/// </summary>
internal sealed class InteractionReplies(IHttpClientFactory httpClientFactory, IOptions<ActionsOptions> options, ILogger<InteractionReplies> logger)
{
    public const string ClientName = "actions-slack";

    private readonly ActionsOptions options = options.Value;

    public Task EphemeralAsync(InteractionPayload payload, string text, CancellationToken cancellationToken) =>
        RespondAsync(payload, new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = text }, cancellationToken);

    /// <summary>A reply in the message's thread (the storm digest's thread when the message is itself a reply). Text is mrkdwn, already escaped.</summary>
    public async Task ThreadReplyAsync(InteractionPayload payload, string mrkdwn, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.BotToken) || payload.ChannelId is null || payload.Container?.MessageTs is null)
        {
            await RespondAsync(payload, new JsonObject { ["response_type"] = "in_channel", ["replace_original"] = false, ["text"] = mrkdwn }, cancellationToken);
            return;
        }
        var threadTs = payload.Container.ThreadTs ?? payload.Message?["thread_ts"]?.GetValue<string>() ?? payload.Container.MessageTs;
        await WebApiAsync("chat.postMessage", new JsonObject
        {
            ["channel"] = payload.ChannelId,
            ["thread_ts"] = threadTs,
            ["text"] = mrkdwn,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
        }, cancellationToken);
    }

    /// <summary>Rewrites the message from the payload with <paramref name="row"/> in place of the row the click came from (none: the row goes).</summary>
    public async Task ReplaceRowAsync(InteractionPayload payload, string rowId, MessageActions? row, CancellationToken cancellationToken)
    {
        if (payload.Message is not { } original)
            return;
        var message = (JsonObject)original.DeepClone();
        var replaced = Replace(message["blocks"] as JsonArray, rowId, row);
        foreach (var attachment in (message["attachments"] as JsonArray ?? []).OfType<JsonObject>())
        {
            replaced |= Replace(attachment["blocks"] as JsonArray, rowId, row);
            // Slack hands back its own attachment id; it is not ours to send.
            attachment.Remove("id");
            // Slack hands the colour back without its '#', and chat.update wants it with.
            if (attachment["color"]?.GetValue<string>() is { Length: 6 } colour && !colour.StartsWith('#'))
                attachment["color"] = "#" + colour;
        }
        if (!replaced)
            return;
        var update = new JsonObject
        {
            ["text"] = message["text"]?.DeepClone() ?? "",
            ["blocks"] = message["blocks"]?.DeepClone() ?? new JsonArray(),
            ["attachments"] = message["attachments"]?.DeepClone() ?? new JsonArray(),
        };
        if (!string.IsNullOrEmpty(options.BotToken) && payload.ChannelId is { } channel && payload.Container?.MessageTs is { } ts)
        {
            update["channel"] = channel;
            update["ts"] = ts;
            await WebApiAsync("chat.update", update, cancellationToken);
        }
        else
        {
            update["replace_original"] = true;
            await RespondAsync(payload, update, cancellationToken);
        }
    }

    /// <summary>The members of a Slack user group (usergroups.users.list); empty when Slack says no.</summary>
    public async Task<IReadOnlySet<string>> UserGroupMembersAsync(string userGroupId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.BotToken))
            return new HashSet<string>();
        var answer = await WebApiAsync("usergroups.users.list?usergroup=" + Uri.EscapeDataString(userGroupId), null, cancellationToken);
        return (answer?["users"] as JsonArray ?? []).Select(u => u?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The row as Block Kit JSON: an actions block of buttons (the same shape the message builder renders).</summary>
    internal static JsonObject RowBlock(MessageActions row) => new()
    {
        ["type"] = "actions",
        ["block_id"] = row.Id,
        ["elements"] = new JsonArray(row.Actions.Select(action =>
        {
            var button = new JsonObject
            {
                ["type"] = "button",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = action.Text, ["emoji"] = true },
                ["action_id"] = action.ActionId,
                ["value"] = action.Value,
            };
            if (action.Style != MessageActionStyle.Default)
                button["style"] = action.Style == MessageActionStyle.Primary ? "primary" : "danger";
            return (JsonNode)button;
        }).ToArray()),
    };

    /// <summary>Non-ASCII left readable (emoji, dashes); Slack's own &amp;-escaping already defuses the text.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool Replace(JsonArray? blocks, string rowId, MessageActions? row)
    {
        if (blocks is null)
            return false;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i]?["block_id"]?.GetValue<string>() != rowId)
                continue;
            blocks.RemoveAt(i);
            if (row is { Actions.Count: > 0 })
                blocks.Insert(i, RowBlock(row));
            return true;
        }
        return false;
    }

    private async Task RespondAsync(InteractionPayload payload, JsonObject body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(payload.ResponseUrl, UriKind.Absolute, out var url)
            || !url.AbsoluteUri.StartsWith(options.ResponseUrlPrefix.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
        {
            ActionsLog.ResponseUrlRefused(logger, options.ResponseUrlPrefix);
            return;
        }
        try
        {
            using var content = new StringContent(body.ToJsonString(Json), System.Text.Encoding.UTF8, "application/json");
            using var response = await httpClientFactory.CreateClient(ClientName).PostAsync(url, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
                ActionsLog.SlackAnswerFailed(logger, "response_url", $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken))
        {
            ActionsLog.SlackAnswerFailed(logger, "response_url", exception.GetBaseException().Message);
        }
    }

    /// <summary>One Web API call with the bot token (POST JSON, or GET without a body); Slack's own errors are logged.</summary>
    private async Task<JsonObject?> WebApiAsync(string method, JsonObject? body, CancellationToken cancellationToken)
    {
        var name = method.Split('?')[0];
        try
        {
            using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, new Uri(options.SlackApiUrl, method));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.BotToken);
            if (body is not null)
                request.Content = new StringContent(body.ToJsonString(Json), System.Text.Encoding.UTF8, "application/json");
            using var response = await httpClientFactory.CreateClient(ClientName).SendAsync(request, cancellationToken);
            var answer = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) : null;
            if (answer?["ok"]?.GetValue<bool>() != true)
            {
                ActionsLog.SlackAnswerFailed(logger, name, answer?["error"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode}");
                return null;
            }
            return answer;
        }
        catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken) || exception is JsonException)
        {
            ActionsLog.SlackAnswerFailed(logger, name, exception.GetBaseException().Message);
            return null;
        }
    }
}
