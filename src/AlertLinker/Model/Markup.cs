using System.Text;

namespace AlertLinker.Model;

/// <summary>
/// The neutral markup runbooks render into (<see cref="RenderedRunbook.Text"/>); each sink turns it into its own
/// format and does its own escaping, once (Slack: <c>SlackText.FromMarkup</c>).
/// </summary>
/// <remarks>
/// <para>Lines: a blank line separates paragraphs; a line starting with <c>• </c>, <c>- </c>, <c>* </c> or <c>1. </c>
/// is a list item; <c>```</c> lines fence a code block. Other line breaks inside a paragraph are not kept: text flows.</para>
/// <para>Inline: <c>*bold*</c>, <c>_italic_</c> and <c>`code`</c> as written; <c>[label](url)</c> is a link, and
/// only an http(s) URL becomes one (else the label is shown).</para>
/// <para>A backslash before <c>\ [ ] ( )</c> makes that character plain text: <see cref="Escape"/> applies it to
/// every value a template prints, so alert text can never form a link. Everything else is plain text, including
/// <c>&amp; &lt; &gt;</c>, which a sink escapes for itself.</para>
/// </remarks>
public static class Markup
{
    private const string Special = "\\[]()";

    /// <summary>Plain text as markup: the characters that could form a link get a backslash.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny(Special) < 0)
            return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Special.Contains(c, StringComparison.Ordinal))
                builder.Append('\\');
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary><c>[label](url)</c> for an absolute http(s) URL; anything else (javascript:, relative) is the label alone.</summary>
    public static string Link(string? url, string labelMarkup)
    {
        if (!IsWebUrl(url, out var uri))
            return labelMarkup;
        return $"[{(labelMarkup.Length == 0 ? Escape(uri.Host) : labelMarkup)}]({Escape(uri.AbsoluteUri)})";
    }

    public static bool IsWebUrl(string? url, out Uri uri)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            uri = parsed;
            return true;
        }
        uri = null!;
        return false;
    }

    /// <summary>
    /// The markup as plain-text runs and links, escapes resolved: what a sink formats. A <c>[</c> that does not start a
    /// whole <c>[label](url)</c> (a cut one, say) is plain text.
    /// </summary>
    public static IReadOnlyList<MarkupPart> Parse(string markup)
    {
        var parts = new List<MarkupPart>();
        var text = new StringBuilder();
        var i = 0;
        while (i < markup.Length)
        {
            var c = markup[i];
            if (c == '\\' && i + 1 < markup.Length && Special.Contains(markup[i + 1], StringComparison.Ordinal))
            {
                text.Append(markup[i + 1]);
                i += 2;
                continue;
            }
            if (c == '[' && TryLink(markup, i, out var label, out var url, out var end))
            {
                if (text.Length > 0)
                    parts.Add(new MarkupPart(text.ToString(), null));
                text.Clear();
                parts.Add(new MarkupPart(label, url));
                i = end;
                continue;
            }
            text.Append(c);
            i++;
        }
        if (text.Length > 0)
            parts.Add(new MarkupPart(text.ToString(), null));
        return parts;
    }

    /// <summary>Reads <c>[label](url)</c> at <paramref name="start"/>; the label and url come back unescaped.</summary>
    private static bool TryLink(string markup, int start, out string label, out string url, out int end)
    {
        label = url = "";
        end = start;
        var builder = new StringBuilder();
        var i = start + 1;
        if (!ReadUntil(']', '[') || i >= markup.Length || markup[i] != '(')
            return false;
        label = builder.ToString();
        builder.Clear();
        i++;
        if (!ReadUntil(')', '('))
            return false;
        url = builder.ToString();
        end = i;
        return true;

        // Up to the unescaped closing character (consumed); a line break or an unescaped opener means no link.
        bool ReadUntil(char close, char open)
        {
            while (i < markup.Length)
            {
                var c = markup[i];
                if (c == '\\' && i + 1 < markup.Length && Special.Contains(markup[i + 1], StringComparison.Ordinal))
                {
                    builder.Append(markup[i + 1]);
                    i += 2;
                    continue;
                }
                if (c == close)
                {
                    i++;
                    return true;
                }
                if (c == open || c == '\n')
                    return false;
                builder.Append(c);
                i++;
            }
            return false;
        }
    }
}

/// <summary>A run of plain text (<see cref="Url"/> null; may hold <c>*bold*</c>, <c>`code`</c>, line breaks), or a link's label and target.</summary>
public readonly record struct MarkupPart(string Text, string? Url);
