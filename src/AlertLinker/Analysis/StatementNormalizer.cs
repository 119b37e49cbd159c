using System.Text;
using System.Text.RegularExpressions;

namespace AlertLinker.Analysis;

/// <summary>
/// Turns a statement or operation into its shape, so that N queries differing only in literals compare equal:
/// numbers, single-quoted strings, <c>$1</c> placeholders, UUIDs and long hex ids become <c>?</c>, and an IN list
/// becomes <c>IN (?)</c>. Double-quoted text stays: in standard SQL (PostgreSQL) it is an identifier, not a value.
/// </summary>
internal static partial class StatementNormalizer
{
    /// <param name="buffer">Reused across calls by a caller normalizing thousands of siblings; cleared here.</param>
    public static string Normalize(string text, StringBuilder? buffer = null)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var builder = buffer?.Clear() ?? new StringBuilder(text.Length);
        var pendingSpace = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                i++;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            if (c == '\'')
            {
                i = SkipQuoted(text, i);
                builder.Append('?');
            }
            else if (c == '$' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                    i++;
                builder.Append('?');
            }
            else if (IsWordChar(c))
            {
                var wordStart = i;
                while (i < text.Length && (IsWordChar(text[i]) || IsJoiner(text, i)))
                    i++;
                var word = text.AsSpan(wordStart, i - wordStart);
                if (IsLiteral(word))
                    builder.Append('?');
                else
                    builder.Append(word);
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }
        var shape = builder.ToString();
        // The regex only where an IN list can be: most statements have none, and this runs for every sibling.
        return shape.Contains(',', StringComparison.Ordinal) && shape.Contains("in", StringComparison.OrdinalIgnoreCase)
            ? InList().Replace(shape, match => match.Value[..2] + " (?)")
            : shape;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // Inside a word, '.' between digits keeps "1.5" whole and '-' between hex digits keeps a UUID (and "1e-3") whole.
    private static bool IsJoiner(string text, int i) =>
        i + 1 < text.Length
        && (text[i] == '.' && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1])
            || text[i] == '-' && char.IsAsciiHexDigit(text[i - 1]) && char.IsAsciiHexDigit(text[i + 1]));

    private static bool IsLiteral(ReadOnlySpan<char> word)
    {
        if (char.IsAsciiDigit(word[0]))
            return true; // a word that starts with a digit is a number, a hex id or a UUID: never an identifier
        if (word.Length < 16)
            return false;
        var hasDigit = false;
        foreach (var c in word)
        {
            if (c == '-')
                continue;
            if (!char.IsAsciiHexDigit(c))
                return false;
            hasDigit |= char.IsAsciiDigit(c);
        }
        return hasDigit; // "deadbeef0123cafe…" or "e89b…-…": an id, not a word
    }

    private static int SkipQuoted(string text, int open)
    {
        var i = open + 1;
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2; // '' is an escaped quote inside the literal
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.Length;
    }

    [GeneratedRegex(@"\bIN ?\(\s?\?(?:\s?,\s?\?)*\s?\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InList();
}
