using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Sources.Opsgenie;

/// <summary>
/// An Opsgenie outgoing webhook (alert action data): <c>{action, alert{…}, source{…}, integrationId, integrationName}</c>.
/// Escalate deliveries have another shape: escalation fields at the top, <c>alert</c> holding only its id.
/// </summary>
public sealed record OpsgeniePayload
{
    /// <summary>Create, Acknowledge, UnAcknowledge, AddNote, Close, Delete, Escalate, AddTags… or a custom action's name.</summary>
    public string? Action { get; init; }

    public OpsgenieAlert? Alert { get; init; }

    public OpsgenieSource? Source { get; init; }

    public string? IntegrationName { get; init; }

    public string? EscalationName { get; init; }
}

public sealed record OpsgenieAlert
{
    public string? AlertId { get; init; }

    public string? Message { get; init; }

    public List<string?>? Tags { get; init; }

    public List<string?>? Teams { get; init; }

    public string? TinyId { get; init; }

    public string? Alias { get; init; }

    public string? Entity { get; init; }

    public string? Source { get; init; }

    public string? Username { get; init; }

    /// <summary>Epoch milliseconds.</summary>
    public long? CreatedAt { get; init; }

    /// <summary>Epoch nanoseconds (19 digits).</summary>
    public long? UpdatedAt { get; init; }

    /// <summary>Epoch nanoseconds.</summary>
    public long? InsertedAt { get; init; }

    /// <summary>Seen as "P1" and as 3.</summary>
    [JsonConverter(typeof(OpsgeniePriorityConverter))]
    public string? Priority { get; init; }

    /// <summary>AddNote's text.</summary>
    public string? Note { get; init; }

    /// <summary>Only when the integration sends it; truncated by Opsgenie to 1000 characters.</summary>
    public string? Description { get; init; }

    /// <summary>Custom key/values, only when the integration sends them.</summary>
    public Dictionary<string, JsonElement>? Details { get; init; }
}

public sealed record OpsgenieSource
{
    public string? Name { get; init; }

    public string? Type { get; init; }
}

/// <summary>Reads <c>priority</c> as "P3" or 3 and writes it back as "P3".</summary>
internal sealed class OpsgeniePriorityConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetInt32(out var number) && number is >= 1 and <= 5:
                return "P" + number.ToString(CultureInfo.InvariantCulture);
            case JsonTokenType.String:
                var text = reader.GetString()!.Trim();
                if (text.Length == 2 && text[0] is 'P' or 'p' && text[1] is >= '1' and <= '5')
                    return "P" + text[1];
                if (text.Length == 1 && text[0] is >= '1' and <= '5')
                    return "P" + text;
                break;
        }
        throw new JsonException("priority must be P1…P5 or a number 1…5.");
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
