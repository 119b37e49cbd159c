namespace AlertLinker.Runbooks;

/// <summary>
/// The small header at the top of a runbook file. Deliberately not YAML (nothing to learn, nothing to get wrong):
/// <code>
/// ---
/// title: Database saturation
/// order: 10
/// match: alertname=~"(?i).*postgres.*", severity="critical"
/// match: runbook="database-saturation"
/// ---
/// </code>
/// Each <c>match</c> line is one selector (Alertmanager matcher syntax); the runbook applies when any line matches.
/// <c>match:</c> with nothing after it may be followed by <c>  - selector</c> lines.
/// </summary>
internal sealed record RunbookFrontMatter(
    string? Title,
    int Order,
    IReadOnlyList<IReadOnlyList<LabelMatcher>> Selectors,
    int ContentOffset,
    int ContentLine)
{
    public const string Fence = "---";
    public const int DefaultOrder = 100;

    /// <summary>A problem at a 0-based line and column of the file.</summary>
    public sealed record Problem(int Line, int Column, string Message);

    public static RunbookFrontMatter? Parse(string text, List<Problem> problems)
    {
        var lines = SplitLines(text);
        if (lines.Count == 0 || lines[0].Text.Trim() != Fence)
        {
            problems.Add(new(0, 0, "a runbook starts with a front matter block: a '---' line, 'match:' lines, a closing '---' line"));
            return null;
        }

        string? title = null;
        var order = DefaultOrder;
        var selectors = new List<IReadOnlyList<LabelMatcher>>();
        var inMatchList = false;
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i].Text;
            var trimmed = line.Trim();
            if (trimmed == Fence)
            {
                if (selectors.Count == 0 && problems.Count == 0)
                    problems.Add(new(i, 0, "no 'match:' line: say which alerts this runbook is for (match: {} for every alert)"));
                var contentOffset = i + 1 < lines.Count ? lines[i + 1].Start : text.Length;
                return new(title, order, selectors, contentOffset, i + 1);
            }
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                continue;

            var indent = line.Length - line.TrimStart().Length;
            if (inMatchList && trimmed.StartsWith('-'))
            {
                var itemColumn = indent + 1 + (trimmed.Length - 1 - trimmed[1..].TrimStart().Length);
                AddSelector(trimmed[1..].Trim(), i, itemColumn);
                continue;
            }
            inMatchList = false;

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                problems.Add(new(i, indent, $"expected 'key: value', got '{trimmed}'"));
                continue;
            }
            var key = line[..colon].Trim();
            var rawValue = line[(colon + 1)..];
            var value = rawValue.Trim();
            var valueColumn = colon + 1 + (rawValue.Length - rawValue.TrimStart().Length);
            switch (key)
            {
                case "title":
                    title = Unquote(value);
                    break;
                case "order":
                    if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out order))
                        problems.Add(new(i, valueColumn, $"order must be a whole number, got '{value}'"));
                    break;
                case "match":
                    if (value.Length == 0)
                        inMatchList = true;
                    else
                        AddSelector(value, i, valueColumn);
                    break;
                default:
                    problems.Add(new(i, indent, $"unknown front matter key '{key}' (known: title, order, match)"));
                    break;
            }
        }
        problems.Add(new(0, 0, "the front matter block has no closing '---' line"));
        return null;

        void AddSelector(string selectorText, int line, int column)
        {
            var selector = LabelMatcher.ParseSelector(selectorText, out var error);
            if (error is { } e)
                problems.Add(new(line, column + e.Column, "match: " + e.Message));
            else
                selectors.Add(selector);
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'' ? value[1..^1] : value;

    private static List<(int Start, string Text)> SplitLines(string text)
    {
        var lines = new List<(int, string)>();
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                if (start < text.Length)
                    lines.Add((start, text[start..].TrimEnd('\r')));
                break;
            }
            lines.Add((start, text[start..end].TrimEnd('\r')));
            start = end + 1;
        }
        return lines;
    }
}
