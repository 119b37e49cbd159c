using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AlertLinker.Configuration;

/// <summary>
/// Durations in configuration: TimeSpan's own form (<c>00:00:05</c>, <c>1.00:00:00</c>) and the humane one people
/// write in YAML and environment variables (<c>5s</c>, <c>250ms</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, <c>1h30m</c>).
/// </summary>
public static partial class HumaneDuration
{
    /// <summary>What to write, for error messages.</summary>
    public const string Forms = "write 00:00:05 (hh:mm:ss) or 5s, 250ms, 2m, 1h, 1d (several may follow each other: 1h30m)";

    private static int registered;

    /// <summary>
    /// Makes the configuration binder (and [Range(typeof(TimeSpan), …)]) read both forms. The binder asks
    /// TypeDescriptor for TimeSpan's converter, so this must run before any options are bound.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(HumaneTimeSpanConverter)));
    }

    /// <summary>Parses either form; null when the text is neither.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var standard))
            return standard;
        var match = Humane().Match(text);
        if (!match.Success)
            return null;
        var total = TimeSpan.Zero;
        var captures = match.Groups["n"].Captures;
        var units = match.Groups["u"].Captures;
        for (var i = 0; i < captures.Count; i++)
        {
            if (!double.TryParse(captures[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                return null;
            var part = units[i].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => (TimeSpan?)null,
            };
            if (part is null)
                return null;
            total += part.Value;
        }
        return match.Groups["sign"].Success ? -total : total;
    }

    [GeneratedRegex(@"^(?<sign>-)?(?:(?<n>\d+(?:\.\d+)?)\s*(?<u>ms|s|m|h|d))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Humane();
}

/// <summary>TimeSpan's converter, plus <see cref="HumaneDuration"/>'s forms; writes the standard form back.</summary>
public sealed class HumaneTimeSpanConverter : TimeSpanConverter
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? HumaneDuration.TryParse(text) ?? throw new FormatException($"'{text}' is not a duration; {HumaneDuration.Forms}")
            : base.ConvertFrom(context, culture, value);
}
