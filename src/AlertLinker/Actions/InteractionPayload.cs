using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlertLinker.Actions;

/// <summary>
/// The parts of Slack's <c>block_actions</c> payload the actions use
/// (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload). Unknown fields are ignored.
/// </summary>
internal sealed record InteractionPayload
{
    public const string BlockActions = "block_actions";

    public string? Type { get; init; }

    public InteractionUser? User { get; init; }

    public InteractionContainer? Container { get; init; }

    public InteractionChannel? Channel { get; init; }

    public InteractionTeam? Team { get; init; }

    /// <summary>The message as it is in Slack now; an action rewrites its own row of it for chat.update.</summary>
    public JsonObject? Message { get; init; }

    public string? ResponseUrl { get; init; }

    public string? TriggerId { get; init; }

    public IReadOnlyList<InteractionAction> Actions { get; init; } = [];

    /// <summary>The channel the message is in: the container's, else the channel object's.</summary>
    public string? ChannelId => Container?.ChannelId ?? Channel?.Id;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The payload, or null with the reason when the JSON does not have the block_actions shape.</summary>
    public static InteractionPayload? Parse(string json, out string? problem)
    {
        try
        {
            var payload = JsonSerializer.Deserialize<InteractionPayload>(json, Json);
            problem = payload is null ? "the payload is JSON null" : null;
            return payload;
        }
        catch (JsonException e)
        {
            problem = $"the payload is not a Slack interaction payload: {e.Message}";
            return null;
        }
    }
}

internal sealed record InteractionUser(string? Id, string? Username, string? Name, string? TeamId)
{
    /// <summary>The name people read: the username, else the id.</summary>
    public string Display => !string.IsNullOrWhiteSpace(Username) ? Username : !string.IsNullOrWhiteSpace(Name) ? Name : Id ?? "someone";
}

internal sealed record InteractionContainer(string? Type, string? MessageTs, string? ChannelId, string? ThreadTs);

internal sealed record InteractionChannel(string? Id, string? Name);

internal sealed record InteractionTeam(string? Id, string? Domain);

internal sealed record InteractionAction(string? Type, string? ActionId, string? BlockId, string? Value, string? ActionTs);
