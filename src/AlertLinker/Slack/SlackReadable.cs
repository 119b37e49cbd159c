using System.Text;
using System.Text.RegularExpressions;

namespace AlertLinker.Slack;

/// <summary>
/// The text a person would see in Slack, for the dry-run log: one line per header, section, field and context,
/// links as <c>label &lt;url&gt;</c>, entities decoded. The JSON that would be sent is logged at Debug.
/// </summary>
internal static partial class SlackReadable
{
    public static string Render(string fallbackText, IReadOnlyList<SlackBlock>? blocks, IReadOnlyList<SlackAttachment>? attachments)
    {
        var lines = new List<string>();
        foreach (var block in blocks ?? [])
            Append(lines, block, prefix: "");
        foreach (var attachment in attachments ?? [])
        {
            // The colour bar: shown as a margin, as Slack shows it beside the attachment's blocks.
            foreach (var block in attachment.Blocks)
                Append(lines, block, prefix: "┃ ");
        }
        if (lines.Count == 0)
            lines.Add(Plain(fallbackText));
        return string.Join('\n', lines);
    }

    private static void Append(List<string> lines, SlackBlock block, string prefix)
    {
        switch (block)
        {
            case DividerBlock:
                lines.Add(prefix + "────────");
                break;
            case ContextBlock context:
                lines.AddRange(string.Join(" · ", context.Elements.Select(e => Plain(e.Text))).Split('\n').Select(line => prefix + line));
                break;
            default:
                // Headers, sections and fields, and any block added later: each text object in order.
                foreach (var text in block.TextObjects())
                    lines.AddRange(Plain(text.Text).Split('\n').Select(line => prefix + line));
                break;
        }
    }

    /// <summary>mrkdwn as read: <c>&lt;url|label&gt;</c> becomes <c>label &lt;url&gt;</c>, and the three entities are decoded.</summary>
    public static string Plain(string mrkdwn)
    {
        var linked = Link().Replace(mrkdwn, m => m.Groups["label"].Success
            ? $"{m.Groups["label"].Value} <{m.Groups["url"].Value.Replace("&amp;", "&", StringComparison.Ordinal)}>"
            : $"<{m.Groups["url"].Value.Replace("&amp;", "&", StringComparison.Ordinal)}>");
        var builder = new StringBuilder(linked)
            .Replace("&lt;", "<")
            .Replace("&gt;", ">")
            .Replace("&amp;", "&");
        return builder.ToString();
    }

    [GeneratedRegex(@"<(?<url>https?://[^|>]+)(?:\|(?<label>[^>]*))?>")]
    private static partial Regex Link();
}
