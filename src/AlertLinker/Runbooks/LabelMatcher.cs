using System.Text;
using System.Text.RegularExpressions;

namespace AlertLinker.Runbooks;

internal enum MatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// One Alertmanager-style matcher: <c>severity="critical"</c>, <c>alertname=~"(?i).*postgres.*"</c>,
/// <c>env!="dev"</c>, <c>team!~"test.*"</c>. Regexes are anchored like Prometheus'; an absent label is "".
/// </summary>
internal sealed record LabelMatcher(string Label, MatchOperator Operator, string Value, Regex? Pattern)
{
    // A runbook regex runs on every alert: a pathological one must not stall the pipeline.
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.TryGetValue(Label, out var v) ? v : "";
        return Operator switch
        {
            MatchOperator.Equal => value == Value,
            MatchOperator.NotEqual => value != Value,
            MatchOperator.Regex => SafeIsMatch(value),
            MatchOperator.NotRegex => !SafeIsMatch(value),
            _ => false,
        };
    }

    private bool SafeIsMatch(string value)
    {
        try
        {
            return Pattern!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public override string ToString() => $"{Label}{Operator switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    }}\"{Value}\"";

    /// <summary>
    /// Parses a selector: comma-separated matchers, optionally in braces (<c>{a="x", b=~"y"}</c>).
    /// All of them must hold. <c>{}</c> matches every alert. Errors carry the 0-based column in <paramref name="text"/>.
    /// </summary>
    public static IReadOnlyList<LabelMatcher> ParseSelector(string text, out (int Column, string Message)? error)
    {
        var reader = new SelectorReader(text);
        var result = reader.Read();
        error = reader.Error;
        return result;
    }

    private sealed class SelectorReader(string text)
    {
        private int pos;

        public (int Column, string Message)? Error { get; private set; }

        public List<LabelMatcher> Read()
        {
            var matchers = new List<LabelMatcher>();
            SkipSpace();
            var braced = Peek('{');
            if (braced)
                pos++;
            while (Error is null)
            {
                SkipSpace();
                if (braced && Peek('}'))
                {
                    pos++;
                    break;
                }
                if (!braced && pos >= text.Length)
                    break;
                var matcher = ReadMatcher();
                if (matcher is null)
                    break;
                matchers.Add(matcher);
                SkipSpace();
                if (Peek(','))
                    pos++;
                else if (braced && !Peek('}'))
                    Fail("expected ',' or '}' after a matcher");
                else if (!braced && pos < text.Length)
                    Fail("expected ',' between matchers");
            }
            SkipSpace();
            if (Error is null && pos < text.Length)
                Fail("unexpected text after the selector");
            if (Error is null && !braced && matchers.Count == 0)
                Fail("empty selector: write {} to match every alert");
            return matchers;
        }

        private LabelMatcher? ReadMatcher()
        {
            var name = Peek('"') ? ReadQuoted() : ReadWhile(c => !char.IsWhiteSpace(c) && c is not ('=' or '!' or '~' or ',' or '{' or '}' or '"'));
            if (name is null)
                return null;
            if (name.Length == 0)
            {
                Fail("expected a label name");
                return null;
            }
            SkipSpace();
            MatchOperator op;
            if (Consume("=~")) op = MatchOperator.Regex;
            else if (Consume("!~")) op = MatchOperator.NotRegex;
            else if (Consume("!=")) op = MatchOperator.NotEqual;
            else if (Consume("=")) op = MatchOperator.Equal;
            else
            {
                Fail($"expected =, !=, =~ or !~ after '{name}'");
                return null;
            }
            SkipSpace();
            var valueStart = pos;
            var value = Peek('"') ? ReadQuoted() : ReadWhile(c => c is not (',' or '}')).TrimEnd();
            if (value is null)
                return null;
            Regex? pattern = null;
            if (op is MatchOperator.Regex or MatchOperator.NotRegex)
            {
                try
                {
                    pattern = new Regex("^(?:" + value + ")$", RegexOptions.CultureInvariant, RegexTimeout);
                }
                catch (ArgumentException e)
                {
                    pos = valueStart;
                    Fail($"invalid regex for '{name}': {e.Message}");
                    return null;
                }
            }
            return new LabelMatcher(name, op, value, pattern);
        }

        // "…" with \" and \\ unescaped; any other backslash stays, so "\d+" and "\\d+" both mean \d+.
        private string? ReadQuoted()
        {
            var start = pos;
            pos++;
            var sb = new StringBuilder();
            while (pos < text.Length)
            {
                var c = text[pos++];
                if (c == '"')
                    return sb.ToString();
                if (c == '\\' && pos < text.Length && text[pos] is '"' or '\\')
                    sb.Append(text[pos++]);
                else
                    sb.Append(c);
            }
            pos = start;
            Fail("unterminated string: missing closing \"");
            return null;
        }

        private string ReadWhile(Func<char, bool> accept)
        {
            var start = pos;
            while (pos < text.Length && accept(text[pos]))
                pos++;
            return text[start..pos];
        }

        private bool Peek(char c) => pos < text.Length && text[pos] == c;

        private bool Consume(string token)
        {
            if (string.CompareOrdinal(text, pos, token, 0, token.Length) != 0)
                return false;
            pos += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
                pos++;
        }

        private void Fail(string message) => Error ??= (pos, message);
    }
}
