using System.Text;
using System.Text.RegularExpressions;
using AlertLinker.Slack;

namespace AlertLinker.Tests.Slack;

/// <summary>Roughly how Slack shows a message, as text: links become their labels, entities are decoded. For the README sample.</summary>
internal static partial class SlackPreview
{
    public static string Render(SlackMessage message)
    {
        var text = new StringBuilder();
        foreach (var block in message.Blocks)
        {
            switch (block)
            {
                case HeaderBlock header:
                    text.AppendLine(Show(header.Text.Text));
                    break;
                case SectionBlock section:
                    if (section.Text is not null)
                        text.AppendLine(Show(section.Text.Text));
                    foreach (var pair in (section.Fields ?? []).Chunk(2))
                        text.AppendLine(string.Join("    ", pair.Select(f => Show(f.Text).Replace("\n", ": ", StringComparison.Ordinal))));
                    break;
                case ContextBlock context:
                    text.AppendLine(string.Join("  ", context.Elements.Select(e => Show(e.Text))));
                    break;
                case DividerBlock:
                    text.AppendLine("────────────────────────");
                    break;
            }
        }
        return text.ToString().TrimEnd();
    }

    private static string Show(string mrkdwn) =>
        Link().Replace(mrkdwn, "[$1]")
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex(@"<https?://[^|<>]+\|([^<>]*)>")]
    private static partial Regex Link();
}
