using System.Globalization;
using System.Text;

namespace AlertLinker.Backends;

/// <summary>What a quoted literal does with a control character other than a newline.</summary>
public enum ControlCharacters
{
    /// <summary><c>\r</c>, <c>\t</c>, else <c>\uXXXX</c>: the literal means exactly the value (a TraceQL condition).</summary>
    Escape,

    /// <summary>A space: the literal is read by people (a log link's LogQL in Explore), where a stray control is noise.</summary>
    Space,
}

/// <summary>
/// A double-quoted string literal of the Go-lexed query languages (TraceQL, LogQL): backslash, quote and newline
/// escaped, so a value can never end the string and change the query's meaning. Pure.
/// </summary>
public static class QuotedLiteral
{
    public static string Quote(string value, ControlCharacters controls)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ when !char.IsControl(c) => builder.Append(c),
                _ when controls == ControlCharacters.Space => builder.Append(' '),
                '\r' => builder.Append(@"\r"),
                '\t' => builder.Append(@"\t"),
                _ => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            };
        }
        return builder.Append('"').ToString();
    }
}
