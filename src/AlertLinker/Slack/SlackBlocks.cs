using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Slack;

/// <summary>
/// A rendered message: the top-level fallback <see cref="Text"/> (notifications, screen readers) and the Block Kit
/// <see cref="Blocks"/>. The same message serves chat.postMessage, chat.update and an incoming webhook.
/// </summary>
/// <param name="Cuts">What was shortened or left out to fit Slack's limits; empty when nothing was.</param>
internal sealed record SlackMessage(string Text, IReadOnlyList<SlackBlock> Blocks, IReadOnlyList<string> Cuts)
{
    /// <summary>
    /// The message's one thread reply (bot mode): every finding, the waterfalls and the runbooks whole; posted with
    /// the message and updated with it. Null when there is nothing beyond the message, and in webhook mode.
    /// </summary>
    public SlackMessage? Detail { get; init; }

    /// <summary>Every text object in the message, for checks and tests.</summary>
    public IEnumerable<TextObject> TextObjects() => Blocks.SelectMany(block => block.TextObjects());
}

/// <summary>A Block Kit text object. Build it with <see cref="Plain"/> or <see cref="Mrkdwn"/> from text that went through <see cref="SlackText"/>.</summary>
internal sealed record TextObject(string Type, string Text, bool? Emoji = null, bool? Verbatim = null)
{
    public static TextObject Plain(string escaped) => new("plain_text", escaped, Emoji: true);

    /// <summary>verbatim: Slack must not turn bare names or URLs in alert text into mentions or links.</summary>
    public static TextObject Mrkdwn(string escaped) => new("mrkdwn", escaped, Verbatim: true);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
internal abstract record SlackBlock
{
    public abstract IEnumerable<TextObject> TextObjects();
}

internal sealed record HeaderBlock(TextObject Text) : SlackBlock
{
    public override IEnumerable<TextObject> TextObjects() => [Text];
}

internal sealed record SectionBlock(TextObject? Text, IReadOnlyList<TextObject>? Fields = null) : SlackBlock
{
    public override IEnumerable<TextObject> TextObjects() => Text is null ? Fields ?? [] : [Text, .. Fields ?? []];
}

internal sealed record ContextBlock(IReadOnlyList<TextObject> Elements) : SlackBlock
{
    public override IEnumerable<TextObject> TextObjects() => Elements;
}

internal sealed record DividerBlock : SlackBlock
{
    public override IEnumerable<TextObject> TextObjects() => [];
}

/// <summary>
/// A row of buttons (https://docs.slack.dev/reference/block-kit/blocks/actions-block): at most 25 elements, button text
/// ≤ 75 characters, value ≤ 2000, action_id ≤ 255. Built by <c>SlackActionRow</c> from what Actions/ offers.
/// </summary>
internal sealed record ActionsBlock(string BlockId, IReadOnlyList<ButtonElement> Elements) : SlackBlock
{
    public override IEnumerable<TextObject> TextObjects() => Elements.Select(e => e.Text);
}

/// <summary>A button element; <see cref="Style"/> null is Slack's default look.</summary>
internal sealed record ButtonElement(TextObject Text, string ActionId, string Value, string? Style)
{
    [JsonPropertyOrder(-1)]
    public string Type => "button";
}

/// <summary>The JSON shape Slack expects: snake_case, no nulls, non-ASCII left readable (dry-run logs are read by people).</summary>
internal static class SlackJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Not embedded in HTML; Slack text is already entity-escaped for & < > by SlackText.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
