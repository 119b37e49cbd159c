using System.Globalization;
using System.Text;

namespace AlertLinker.Model;

/// <summary>The few text rules of the analysis, in one place: durations, span names, one-line cutting.</summary>
internal static class AnalysisText
{
    private const string Ellipsis = "…";

    /// <summary>"788 ms", "400 µs", "12.5 s"; <paramref name="compact"/> drops the space ("788ms") for the waterfall.</summary>
    public static string Duration(TimeSpan duration, bool compact = false)
    {
        var space = compact ? "" : " ";
        var ticks = Math.Max(0, duration.Ticks);
        if (ticks < TimeSpan.TicksPerMillisecond)
            return string.Create(CultureInfo.InvariantCulture, $"{ticks / 10}{space}µs");
        if (ticks < 10 * TimeSpan.TicksPerSecond)
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round((double)ticks / TimeSpan.TicksPerMillisecond, MidpointRounding.AwayFromZero)}{space}ms");
        return string.Create(CultureInfo.InvariantCulture, $"{(double)ticks / TimeSpan.TicksPerSecond:0.#}{space}s");
    }

    /// <summary>"SELECT stock (inventory-service)"; just the service when the operation is empty.</summary>
    public static string SpanName(Span span) =>
        string.IsNullOrWhiteSpace(span.Operation)
            ? OneLine(span.Service, 80)
            : $"{OneLine(span.Operation, 120)} ({OneLine(span.Service, 80)})";

    /// <summary>Control characters (newlines in a statement) become spaces, runs of spaces one; then cut to <paramref name="max"/> characters.</summary>
    public static string OneLine(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max + 8));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (space && (lastWasSpace || builder.Length == 0))
                continue;
            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
        }
        if (lastWasSpace)
            builder.Length--;
        return Cut(builder.ToString(), max);
    }

    /// <summary>Number of text elements (what a reader sees as characters).</summary>
    public static int Width(string text)
    {
        // Fast path: no surrogates or combining marks, one char is one element.
        foreach (var c in text)
        {
            if (char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark || c == '\u200D' || c is >= '\uFE00' and <= '\uFE0F')
                return new StringInfo(text).LengthInTextElements;
        }
        return text.Length;
    }

    /// <summary>At most <paramref name="max"/> text elements, ending in "…" when cut; never splits a surrogate pair or an emoji sequence.</summary>
    public static string Cut(string text, int max)
    {
        if (max <= 0)
            return "";
        if (Width(text) <= max)
            return text;
        if (max == 1)
            return Ellipsis;
        var info = new StringInfo(text);
        return info.SubstringByTextElements(0, max - 1).TrimEnd() + Ellipsis;
    }

    /// <summary>"14 UNAVAILABLE" for the codes that have a name.</summary>
    public static string GrpcStatus(int code) => code switch
    {
        0 => "0 OK",
        1 => "1 CANCELLED",
        2 => "2 UNKNOWN",
        3 => "3 INVALID_ARGUMENT",
        4 => "4 DEADLINE_EXCEEDED",
        5 => "5 NOT_FOUND",
        6 => "6 ALREADY_EXISTS",
        7 => "7 PERMISSION_DENIED",
        8 => "8 RESOURCE_EXHAUSTED",
        9 => "9 FAILED_PRECONDITION",
        10 => "10 ABORTED",
        11 => "11 OUT_OF_RANGE",
        12 => "12 UNIMPLEMENTED",
        13 => "13 INTERNAL",
        14 => "14 UNAVAILABLE",
        15 => "15 DATA_LOSS",
        16 => "16 UNAUTHENTICATED",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };
}
