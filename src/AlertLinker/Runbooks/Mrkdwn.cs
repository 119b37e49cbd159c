namespace AlertLinker.Runbooks;

/// <summary>
/// Slack mrkdwn for runbook output. Escaping <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> defuses
/// <c>&lt;!channel&gt;</c>, <c>&lt;@U…&gt;</c> and <c>&lt;url|text&gt;</c> in alert text
/// (see shared/reference/webhooks-and-slack.md, "Escaping untrusted text").
/// </summary>
internal static class Mrkdwn
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// <c>&lt;url|label&gt;</c> for an absolute http(s) URL; anything else (javascript:, relative, garbage) becomes the
    /// escaped label alone, so a hostile label or annotation can never smuggle a link in.
    /// </summary>
    public static string Link(string? url, string label)
    {
        if (!IsHttpUrl(url, out var uri))
            return Escape(label);
        return LinkWithMarkup(uri, Escape(string.IsNullOrWhiteSpace(label) ? uri.Host : label));
    }

    /// <summary>A link whose label is already mrkdwn (escaped by the caller).</summary>
    public static string LinkWithMarkup(Uri url, string labelMarkup)
    {
        // '|' and '>' end the URL part of a Slack link; percent-encoding keeps the URL intact.
        var target = url.AbsoluteUri
            .Replace("|", "%7C", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal)
            .Replace(">", "%3E", StringComparison.Ordinal);
        return $"<{Escape(target)}|{labelMarkup}>";
    }

    public static bool IsHttpUrl(string? url, out Uri uri)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            uri = parsed;
            return true;
        }
        uri = null!;
        return false;
    }
}

/// <summary>
/// Text that is already mrkdwn (a link built by a helper, an included partial). The renderer writes it as is;
/// every other value a template prints is escaped. No public members: templates cannot look inside.
/// </summary>
internal sealed class SlackMarkup(string text)
{
    internal string Text { get; } = text;

    public override string ToString() => Text;
}
