using System.Globalization;
using System.Text;

namespace AlertLinker.Slack;

/// <summary>Text that was made to fit a limit; <see cref="Cut"/> says whether anything was dropped (the caller logs it).</summary>
internal readonly record struct Fitted(string Text, bool Cut);

/// <summary>
/// The one place that makes text safe and small enough for Slack: mrkdwn escaping, truncation on whole characters,
/// and link building. Every piece of alert text goes through here before it reaches a message.
/// </summary>
/// <remarks>
/// Limits: https://docs.slack.dev/reference/block-kit/blocks and https://docs.slack.dev/reference/block-kit/composition-objects/text-object
/// Escaping: https://docs.slack.dev/messaging/formatting-message-text#escaping
/// </remarks>
internal static class SlackText
{
    /// <summary>Blocks per message.</summary>
    public const int MaxBlocks = 50;

    /// <summary>Characters of a section's text object (and of any mrkdwn text object we send).</summary>
    public const int MaxTextLength = 3000;

    /// <summary>Characters of a header block's plain_text.</summary>
    public const int MaxHeaderLength = 150;

    /// <summary>Fields of one section block.</summary>
    public const int MaxFields = 10;

    /// <summary>Characters of one section field.</summary>
    public const int MaxFieldLength = 2000;

    /// <summary>Elements of one context block.</summary>
    public const int MaxContextElements = 10;

    /// <summary>Elements of one actions block.</summary>
    public const int MaxActions = 25;

    /// <summary>Characters of a button's text.</summary>
    public const int MaxButtonTextLength = 75;

    /// <summary>Characters of a button's url; we hold every link we build to it.</summary>
    public const int MaxUrlLength = 3000;

    /// <summary>
    /// Text characters summed over all blocks of one message. Slack documents no such limit, yet rejects messages with
    /// <c>msg_blocks_too_long</c> near 13k (slackapi/bolt-js issues 2509 and 2867; Slack staff spoke of "12,000 text
    /// characters with a buffer for block containers"). We stay well below.
    /// </summary>
    public const int MaxTotalTextLength = 10_000;

    public const string Ellipsis = "…";

    /// <summary>Characters of a link label taken from runbook markup.</summary>
    private const int MaxLinkLabelLength = 200;

    /// <summary>
    /// Escapes Slack's three control characters; <c>&amp;</c> first so the entities we add stay intact. Alert text is
    /// <see cref="Neutralize"/>d first: no bidi override or zero-width character reaches Slack.
    /// </summary>
    public static string Escape(string raw)
    {
        raw = Neutralize(raw);
        if (raw.AsSpan().IndexOfAny('&', '<', '>') < 0)
            return raw;
        return raw.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary>
    /// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and zero-width characters and marks
    /// (U+200B–U+200F) removed: they make text display otherwise than it reads ("Trojan Source", CVE-2021-42574), so
    /// an alert could show another service, number or link label than it carries.
    /// </summary>
    public static string Neutralize(string raw)
    {
        if (raw.AsSpan().IndexOfAny(Invisible) < 0)
            return raw;
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (!Invisible.Contains(c))
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Invisible = System.Buffers.SearchValues.Create(
        "\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>Cuts to at most <paramref name="maxLength"/> UTF-16 units on whole text elements (never half an emoji), appending "…".</summary>
    public static Fitted Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
            return new Fitted(text, false);
        var end = WholeElementsWithin(text, maxLength - Ellipsis.Length, static element => element.Length);
        return new Fitted(text[..end] + Ellipsis, true);
    }

    /// <summary>
    /// Escapes untrusted text so that the escaped result, "…" included, is at most <paramref name="maxLength"/> long.
    /// Truncation happens on the raw text, before escaping, so an entity is never cut in half.
    /// </summary>
    public static Fitted EscapeWithin(string raw, int maxLength)
    {
        var escaped = Escape(raw);
        if (escaped.Length <= maxLength)
            return new Fitted(escaped, false);
        var end = WholeElementsWithin(raw, maxLength - Ellipsis.Length, static element => EscapedLength(element));
        return new Fitted(Escape(raw[..end]) + Ellipsis, true);
    }

    /// <summary>
    /// Shortens mrkdwn that we or our templates wrote (already escaped, may hold links) without cutting inside a
    /// <c>&lt;…&gt;</c> link or an <c>&amp;…;</c> entity: a half link would show raw markup.
    /// </summary>
    public static Fitted TruncateMrkdwn(string mrkdwn, int maxLength)
    {
        if (mrkdwn.Length <= maxLength)
            return new Fitted(mrkdwn, false);
        var end = WholeElementsWithin(mrkdwn, maxLength - Ellipsis.Length, static element => element.Length);
        var kept = mrkdwn.AsSpan(0, end);
        var open = kept.LastIndexOf('<');
        if (open >= 0 && kept[open..].IndexOf('>') < 0)
            end = open;
        var amp = mrkdwn.AsSpan(0, end).LastIndexOf('&');
        if (amp >= 0 && mrkdwn.AsSpan(amp, end - amp).IndexOf(';') < 0 && end - amp <= 8)
            end = amp;
        return new Fitted(mrkdwn[..end].TrimEnd() + Ellipsis, true);
    }

    /// <summary>
    /// Neutral markup (<see cref="Markup"/>: what runbooks render) as mrkdwn: plain text escaped, <c>[label](url)</c>
    /// as a Slack link when the URL is http(s) (else the escaped label). Lines are kept; <see cref="Paragraphs"/> flows them.
    /// </summary>
    public static string FromMarkup(string markup)
    {
        var mrkdwn = new StringBuilder(markup.Length + 32);
        foreach (var part in Markup.Parse(markup))
        {
            mrkdwn.Append(part.Url is null
                ? Escape(part.Text)
                : Link(WebUrl(part.Url), part.Text, MaxLinkLabelLength) ?? EscapeWithin(SingleLine(part.Text), MaxLinkLabelLength).Text);
        }
        return mrkdwn.ToString();
    }

    /// <summary>
    /// Text as paragraphs that flow: a line break inside a paragraph becomes a space (the source's line length is not
    /// the reader's), while blank lines, list items (<c>• - * 1.</c>) and code blocks keep theirs.
    /// </summary>
    public static IReadOnlyList<string> Paragraphs(string mrkdwn)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        var inCode = false;
        var breakNext = false;
        foreach (var raw in mrkdwn.Split('\n'))
        {
            var line = raw.TrimEnd();
            var fences = Count(line, "```");
            if (inCode || fences > 0)
            {
                NewLine(inCode ? raw.TrimEnd('\r') : line);
                if (fences % 2 == 1)
                    inCode = !inCode;
                breakNext = !inCode;
                continue;
            }
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (current.Length == 0 || breakNext || IsListItem(line))
                NewLine(line);
            else
                current.Append(' ').Append(line.TrimStart());
            breakNext = false;
        }
        Flush();
        return paragraphs;

        void NewLine(string line)
        {
            if (current.Length > 0)
                current.Append('\n');
            current.Append(line);
        }

        void Flush()
        {
            if (current.Length > 0)
                paragraphs.Add(current.ToString());
            current.Clear();
            breakNext = false;
        }

        static bool IsListItem(string line)
        {
            var text = line.TrimStart();
            if (text.StartsWith("• ", StringComparison.Ordinal) || text.StartsWith("- ", StringComparison.Ordinal) || text.StartsWith("* ", StringComparison.Ordinal))
                return true;
            var digits = 0;
            while (digits < text.Length && char.IsAsciiDigit(text[digits]))
                digits++;
            return digits > 0 && digits + 1 < text.Length && text[digits] is '.' or ')' && text[digits + 1] == ' ';
        }
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>Untrusted text on one line: control characters (newline, tab) become spaces.</summary>
    public static string SingleLine(string raw)
    {
        if (!raw.Any(char.IsControl))
            return raw;
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
            builder.Append(char.IsControl(c) ? ' ' : c);
        return builder.ToString();
    }

    /// <summary>True for an absolute http(s) URL: the only kind we ever turn into a link.</summary>
    public static bool IsWebUrl([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] Uri? url) =>
        url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>Parses a URL string from a payload; null unless it is absolute http(s).</summary>
    public static Uri? WebUrl(string? raw) =>
        Uri.TryCreate(raw, UriKind.Absolute, out var url) && IsWebUrl(url) ? url : null;

    /// <summary>
    /// <c>&lt;url|label&gt;</c> from an absolute http(s) URL and an untrusted label (escaped, one line, no <c>|</c>);
    /// null when the URL is not http(s) or too long, so the caller shows the label without a link.
    /// </summary>
    public static string? Link(Uri? url, string label, int maxLabelLength = 200)
    {
        if (!IsWebUrl(url))
            return null;
        var href = url.AbsoluteUri;
        if (href.Length > MaxUrlLength)
            return null;
        // Inside <…> Slack ends the URL at '|' or '>', and decodes &amp; back to '&'.
        href = href.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal)
            .Replace(">", "%3E", StringComparison.Ordinal)
            .Replace("|", "%7C", StringComparison.Ordinal);
        var text = SingleLine(label).Replace('|', '¦').Trim();
        if (text.Length == 0)
            text = url.Host;
        return $"<{href}|{EscapeWithin(text, maxLabelLength).Text}>";
    }

    /// <summary>A link where the URL allows one, else the escaped label alone.</summary>
    public static string LinkOrLabel(Uri? url, string label, int maxLabelLength = 200) =>
        Link(url, label, maxLabelLength) ?? EscapeWithin(SingleLine(label), maxLabelLength).Text;

    private static int EscapedLength(ReadOnlySpan<char> element)
    {
        var length = 0;
        foreach (var c in element)
            length += c switch { '&' => 5, '<' or '>' => 4, _ => 1 };
        return length;
    }

    private delegate int ElementCost(ReadOnlySpan<char> element);

    /// <summary>The end index of the longest prefix of whole text elements whose summed cost is at most <paramref name="budget"/>.</summary>
    private static int WholeElementsWithin(string text, int budget, ElementCost cost)
    {
        int end = 0, used = 0;
        while (end < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(end));
            var elementCost = cost(text.AsSpan(end, length));
            if (used + elementCost > budget)
                break;
            used += elementCost;
            end += length;
        }
        return end;
    }
}
