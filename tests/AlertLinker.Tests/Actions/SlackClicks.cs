using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Actions;

namespace AlertLinker.Tests.Actions;

/// <summary>Builds and signs Slack block_actions deliveries the way Slack sends them (form-encoded payload=JSON).</summary>
internal static class SlackClicks
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string UserId = "U2CERLKJA";
    public const string UserName = "roadrunner";
    public const string Channel = "C0E2ETEST";
    public const string MessageTs = "1503435956.000247";

    /// <summary>A block_actions payload for one button of our row; <paramref name="message"/> is the message as Slack holds it.</summary>
    public static JsonObject Payload(string actionId, string value, Uri responseUrl, JsonObject? message = null, string? actionTs = null, string userId = UserId) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = userId, ["username"] = UserName, ["name"] = UserName, ["team_id"] = "T1DC2JH3J" },
        ["api_app_id"] = "A0123456",
        ["token"] = "verification-token-not-used",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = MessageTs, ["channel_id"] = Channel, ["is_ephemeral"] = false },
        ["trigger_id"] = "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        ["team"] = new JsonObject { ["id"] = "T1DC2JH3J", ["domain"] = "testteamnow" },
        ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "alerts" },
        ["message"] = message?.DeepClone() ?? new JsonObject
        {
            ["type"] = "message",
            ["ts"] = MessageTs,
            ["text"] = "🔥 FIRING: HighLatency",
            ["blocks"] = new JsonArray(),
            ["attachments"] = new JsonArray(),
        },
        ["response_url"] = responseUrl.AbsoluteUri,
        ["actions"] = new JsonArray(new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = actionId,
            ["block_id"] = ActionButtons.RowId,
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "🔕 Silence 4 h", ["emoji"] = true },
            ["value"] = value,
            ["action_ts"] = actionTs ?? "1548426417.840180",
        }),
    };

    public static byte[] Body(JsonObject payload) =>
        Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));

    public static HttpRequestMessage Signed(Uri url, byte[] body, DateTimeOffset at, string secret = Secret, int? retryNum = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = Unsigned(url, body);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", InteractionSignature.Compute(secret, timestamp, body));
        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }
        return request;
    }

    public static HttpRequestMessage Unsigned(Uri url, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.UserAgent.ParseAdd("Slackbot 1.0 (+https://api.slack.com/robots)");
        return request;
    }
}
