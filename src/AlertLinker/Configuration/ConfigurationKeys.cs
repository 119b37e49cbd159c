using System.Collections;
using System.ComponentModel;
using System.Reflection;
using AlertLinker.Backends;
using AlertLinker.LogLinks;

namespace AlertLinker.Configuration;

/// <summary>A key under <c>AlertLinker</c> that no options class reads, with the known key (full path) it most resembles.</summary>
public sealed record UnknownKey(string Path, string? Suggestion);


/// <summary>
/// Walks the <c>AlertLinker</c> section against the options classes that read it (each found by its
/// <c>SectionName</c> constant; backends by their <c>Type</c>): keys no class reads are reported with the closest known
/// key, and values that cannot become their property's type (a duration, a number, an enum) are reported all at once,
/// where the binder would stop at the first.
/// </summary>
public static class ConfigurationKeys
{
    public const string Root = "AlertLinker";

    /// <summary>Sections whose children are entries named by the operator, each read by one options class.</summary>
    private static readonly Dictionary<string, Func<IConfigurationSection, Type?>> NamedEntries = new(StringComparer.OrdinalIgnoreCase)
    {
        [BackendRegistration.SectionName] = entry => BackendRegistration.OptionsTypeOf(entry["Type"]),
        [LogLinkOptions.SectionName] = _ => typeof(LogLinkOptions),
    };

    /// <summary>Options classes by the section they read (several may share one: the enrichment section).</summary>
    private static readonly Lazy<Dictionary<string, Type[]>> Sections = new(() => typeof(ConfigurationKeys).Assembly.GetTypes()
        .Select(type => (Type: type, Field: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
        .Where(t => t.Field is { IsLiteral: true } && t.Field.FieldType == typeof(string) && !t.Type.IsAbstract)
        .Select(t => (t.Type, Section: (string)t.Field!.GetRawConstantValue()!))
        .Where(t => t.Section.StartsWith(Root + ":", StringComparison.OrdinalIgnoreCase) && !NamedEntries.ContainsKey(t.Section))
        .GroupBy(t => t.Section, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Select(t => t.Type).ToArray(), StringComparer.OrdinalIgnoreCase));

    /// <summary>Every section path a class or an entry list reads, and every section above one.</summary>
    private static readonly Lazy<HashSet<string>> KnownSections = new(() =>
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in Sections.Value.Keys.Concat(NamedEntries.Keys))
        {
            var parts = section.Split(':');
            for (var i = 2; i <= parts.Length; i++)
                known.Add(string.Join(':', parts[..i]));
        }
        return known;
    });

    /// <summary>Unknown keys and values that do not convert, for the configuration given.</summary>
    public static (IReadOnlyList<UnknownKey> Unknown, IReadOnlyList<string> BadValues) Check(IConfiguration configuration)
    {
        var unknown = new List<UnknownKey>();
        var bad = new List<string>();
        Walk(configuration.GetSection(Root), unknown, bad);
        return (unknown, bad);
    }

    private static void Walk(IConfigurationSection section, List<UnknownKey> unknown, List<string> bad)
    {
        if (NamedEntries.TryGetValue(section.Path, out var entryType))
        {
            foreach (var entry in section.GetChildren())
            {
                // An unknown backend Type is reported by the backends themselves, with the list of types.
                if (entryType(entry) is { } type)
                    WalkObject(entry, [type], unknown, bad);
            }
            return;
        }
        if (Sections.Value.TryGetValue(section.Path, out var types))
        {
            WalkObject(section, types, unknown, bad);
            return;
        }
        var children = KnownSections.Value
            .Where(known => known.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase) && known.Count(c => c == ':') == section.Path.Count(c => c == ':') + 1)
            .Select(known => known[(known.LastIndexOf(':') + 1)..])
            .ToList();
        foreach (var child in section.GetChildren())
        {
            if (KnownSections.Value.Contains(child.Path))
                Walk(child, unknown, bad);
            else
                unknown.Add(new UnknownKey(child.Path, Under(section, Closest(child.Key, children))));
        }
    }

    private static void WalkObject(IConfigurationSection section, IReadOnlyList<Type> types, List<UnknownKey> unknown, List<string> bad)
    {
        var properties = types.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || IsCollection(p.PropertyType)))
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().PropertyType, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var type))
                unknown.Add(new UnknownKey(child.Path, Under(section, Closest(child.Key, properties.Keys))));
            else
                WalkValue(child, type, unknown, bad);
        }
    }

    private static void WalkValue(IConfigurationSection section, Type type, List<UnknownKey> unknown, List<string> bad)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            if (!string.IsNullOrEmpty(section.Value) && ConversionProblem(section.Value, type) is { } problem)
                bad.Add($"{section.Path}: {problem}");
            return;
        }
        if (ElementType(type) is { } element)
        {
            // Dictionaries take any key, lists any index; their values are checked.
            foreach (var child in section.GetChildren())
                WalkValue(child, element, unknown, bad);
            return;
        }
        if (type.IsClass && type != typeof(object))
            WalkObject(section, [type], unknown, bad);
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal)
        || (!IsCollection(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        var generic = type.IsGenericType ? type.GetGenericArguments() : [];
        if (IsCollection(type) && generic.Length == 1)
            return generic[0];
        if (IsCollection(type) && generic.Length == 2)
            return generic[1];
        return null;
    }

    /// <summary>Why <paramref name="value"/> is not a <paramref name="type"/>, in words that say what to write; null when it is.</summary>
    internal static string? ConversionProblem(string value, Type type)
    {
        if (type.IsEnum)
            return Enum.TryParse(type, value, ignoreCase: true, out _)
                ? null
                : $"'{value}' is not one of: {string.Join(", ", Enum.GetNames(type))}";
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return type switch
            {
                _ when type == typeof(TimeSpan) => $"'{value}' is not a duration; {HumaneDuration.Forms}",
                _ when type == typeof(bool) => $"'{value}' is not true or false",
                _ when type == typeof(int) || type == typeof(long) => $"'{value}' is not a whole number",
                _ when type == typeof(double) => $"'{value}' is not a number (write 0.5, with a dot)",
                _ when type == typeof(Uri) => $"'{value}' is not a URL (write e.g. http://host:port/)",
                _ => $"'{value}' cannot be read as {type.Name}",
            };
        }
    }

    private static string? Under(IConfigurationSection section, string? key) => key is null ? null : section.Path + ":" + key;

    /// <summary>The candidate closest to <paramref name="key"/> (edit distance, case-insensitive), if it is close enough to be a typo.</summary>
    internal static string? Closest(string key, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: EditDistance.Between(key.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, key.Length / 3) ? best.Candidate : null;
    }
}
