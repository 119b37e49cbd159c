using System.Globalization;
using System.Text.RegularExpressions;

namespace AlertLinker.Graphs;

/// <summary>What the values of an expression are, for the axis.</summary>
public enum GraphUnit
{
    /// <summary>A plain number (a rate, a count).</summary>
    Number,

    /// <summary>Seconds (latencies): drawn in ms below one second.</summary>
    Seconds,

    /// <summary>A ratio of 0…1 (an error ratio): drawn in %.</summary>
    Ratio,
}

/// <summary>A constant the expression compares with: the line the alert crosses.</summary>
/// <param name="Operator">As written: <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>==</c>, <c>!=</c>, seen from the series side.</param>
public sealed record GraphThreshold(string Operator, double Value);

/// <summary>
/// An alert's PromQL taken apart for drawing: what to query, the threshold and the unit. A rule's expression is
/// usually <c>something &gt; 0.5</c>; querying it as written would show only the points above the line, so the
/// picture of a recovery would be empty. The series side is queried instead and the constant drawn as a line. Pure.
/// </summary>
public sealed partial record GraphExpression(string Query, GraphThreshold? Threshold, GraphUnit Unit)
{
    private static readonly string[] Comparisons = ["==", "!=", ">=", "<=", ">", "<"];

    public static GraphExpression Parse(string expression)
    {
        var trimmed = expression.Trim();
        var (query, threshold) = SplitThreshold(trimmed);
        return new GraphExpression(query, threshold, UnitOf(query));
    }

    /// <summary>
    /// The one top-level comparison with a number literal on one side, if that is what the expression is; anything
    /// else (set operators, two comparisons, arithmetic on the constant) is queried as written, without a line.
    /// </summary>
    private static (string Query, GraphThreshold? Threshold) SplitThreshold(string expression)
    {
        var found = TopLevelComparisons(expression);
        if (found.Count != 1 || SetOperator().IsMatch(Outside(expression)))
            return (expression, null);
        var (at, op) = found[0];
        var left = expression[..at].Trim();
        var right = expression[(at + op.Length)..].Trim();
        if (right.StartsWith("bool", StringComparison.Ordinal) && right.Length > 4 && !char.IsLetterOrDigit(right[4]) && right[4] != '_')
            right = right[4..].Trim();
        if (Number(right) is { } value && left.Length > 0 && Number(left) is null)
            return (left, new GraphThreshold(op, value));
        if (Number(left) is { } mirrored && right.Length > 0 && Number(right) is null)
            return (right, new GraphThreshold(Mirror(op), mirrored));
        return (expression, null);
    }

    private static string Mirror(string op) => op switch
    {
        ">" => "<",
        "<" => ">",
        ">=" => "<=",
        "<=" => ">=",
        _ => op,
    };

    private static double? Number(string text) =>
        NumberLiteral().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    /// <summary>Comparison operators outside brackets, braces (label matchers) and strings.</summary>
    private static List<(int At, string Op)> TopLevelComparisons(string expression)
    {
        var found = new List<(int, string)>();
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (quote is { } q)
            {
                if (c == '\\' && q != '`')
                    i++;
                else if (c == q)
                    quote = null;
                continue;
            }
            switch (c)
            {
                case '"' or '\'' or '`':
                    quote = c;
                    continue;
                case '(' or '{' or '[':
                    depth++;
                    continue;
                case ')' or '}' or ']':
                    depth--;
                    continue;
            }
            if (depth != 0)
                continue;
            foreach (var op in Comparisons)
            {
                if (string.CompareOrdinal(expression, i, op, 0, op.Length) != 0)
                    continue;
                // "=~" and "!~" only occur inside matchers; a lone "=" is not an operator at the top level.
                found.Add((i, op));
                i += op.Length - 1;
                break;
            }
        }
        return found;
    }

    /// <summary>The expression with everything inside brackets and strings blanked: what the top level says.</summary>
    private static string Outside(string expression)
    {
        var chars = expression.ToCharArray();
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var inside = depth > 0 || quote is not null;
            if (quote is { } q)
            {
                if (c == q)
                    quote = null;
            }
            else if (c is '"' or '\'' or '`')
                quote = c;
            else if (c is '(' or '{' or '[')
                depth++;
            else if (c is ')' or '}' or ']')
                depth--;
            if (inside)
                chars[i] = ' ';
        }
        return new string(chars);
    }

    /// <summary>
    /// Seconds for latencies (a quantile of a <c>_seconds</c> histogram, a sum-over-count mean, a <c>_seconds</c>
    /// gauge), a ratio for a <c>_ratio</c> metric or a top-level division of two rates; else a number.
    /// </summary>
    public static GraphUnit UnitOf(string query)
    {
        var top = Outside(query);
        if (SecondsQuantile().IsMatch(query) || (query.Contains("_seconds_sum", StringComparison.Ordinal) && top.Contains('/', StringComparison.Ordinal)))
            return GraphUnit.Seconds;
        if (SecondsGauge().IsMatch(query) && !RateLike().IsMatch(query))
            return GraphUnit.Seconds;
        if (RatioMetric().IsMatch(query))
            return GraphUnit.Ratio;
        if (top.Contains('/', StringComparison.Ordinal) && RateLike().IsMatch(query))
            return GraphUnit.Ratio;
        return GraphUnit.Number;
    }

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberLiteral();

    [GeneratedRegex(@"\b(and|or|unless)\b")]
    private static partial Regex SetOperator();

    [GeneratedRegex(@"histogram_quantile\s*\(.*_seconds(_bucket)?\b", RegexOptions.Singleline)]
    private static partial Regex SecondsQuantile();

    [GeneratedRegex(@"[a-zA-Z0-9_:]_seconds\b")]
    private static partial Regex SecondsGauge();

    [GeneratedRegex(@"\b(rate|irate|increase|delta|idelta|deriv)\s*\(")]
    private static partial Regex RateLike();

    [GeneratedRegex(@"[a-zA-Z0-9_:]_ratio\b")]
    private static partial Regex RatioMetric();
}

/// <summary>How a unit's values are written on the axis: a factor and a suffix, chosen by the largest value.</summary>
public sealed record GraphScale(double Factor, string Suffix)
{
    public static GraphScale For(GraphUnit unit, double largest) => unit switch
    {
        GraphUnit.Seconds when Math.Abs(largest) < 1 => new(1000, "ms"),
        GraphUnit.Seconds => new(1, "s"),
        GraphUnit.Ratio => new(100, "%"),
        _ => new(1, ""),
    };

    /// <summary>A value with its unit: "500 ms", "1.8 s", "2.5 %", "0.42".</summary>
    public string Format(double value)
    {
        var scaled = value * Factor;
        var text = Math.Abs(scaled) >= 100 ? scaled.ToString("0", CultureInfo.InvariantCulture) : scaled.ToString("0.##", CultureInfo.InvariantCulture);
        return Suffix.Length == 0 ? text : text + (Suffix == "%" ? " %" : " " + Suffix);
    }
}

/// <summary>The query_range of a window: about <c>points</c> steps, whole seconds, the end not in the future.</summary>
public sealed record GraphRange(DateTimeOffset Start, DateTimeOffset End, TimeSpan Step)
{
    public static GraphRange Fit(AlertWindow window, DateTimeOffset now, int points)
    {
        var end = window.End < now ? window.End : now;
        var start = window.Start < end ? window.Start : end.AddMinutes(-5);
        var seconds = Math.Max(1, (long)Math.Ceiling((end - start).TotalSeconds / Math.Max(1, points)));
        return new GraphRange(start, end, TimeSpan.FromSeconds(seconds));
    }

    public int Points => (int)((End - Start).Ticks / Step.Ticks) + 1;
}
