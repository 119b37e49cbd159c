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

    /// <summary>
    /// Lines a reader sees, honestly counted: every line of text in every block; a header is one line; fields sit
    /// two per row, a row as tall as its taller field ("*Service*\ncheckout" is two); a context block is as tall as its
    /// tallest element; a divider is a line. Long lines that Slack wraps are not counted twice (they depend on the window).
    /// </summary>
    public static int VisibleLines(IEnumerable<SlackBlock> blocks) => blocks.Sum(block => block switch
    {
        HeaderBlock => 1,
        SectionBlock section => (section.Text is null ? 0 : Lines(section.Text.Text))
            + (section.Fields ?? []).Chunk(2).Sum(row => row.Max(f => Lines(f.Text))),
        ContextBlock context => context.Elements.Max(e => Lines(e.Text)),
        DividerBlock => 1,
        _ => 0,
    });

    private static int Lines(string text) => text.Split('\n').Length;

    private static string Show(string mrkdwn) =>
        Link().Replace(mrkdwn, "[$1]")
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex(@"<https?://[^|<>]+\|([^<>]*)>")]
    private static partial Regex Link();
}
