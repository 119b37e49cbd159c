using System.Collections;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;

namespace AlertLinker.Tests.Deploy;

/// <summary>
/// The configuration keys the service really binds, read off its options classes: every class with a
/// <c>SectionName</c> under <c>AlertLinker:</c>, walked property by property (lists and dictionaries as <c>*</c>).
/// Environment variable names in the deploy kit are checked against these, so a renamed option or a typo in a
/// manifest fails here instead of being silently ignored in production.
/// </summary>
internal static class ConfigurationKeys
{
    private static readonly Lazy<IReadOnlyList<string[]>> Patterns = new(Collect);

    /// <summary>Every known key pattern, e.g. <c>AlertLinker:Slack:Routes:*:Match</c>.</summary>
    public static IEnumerable<string> All => Patterns.Value.Select(p => string.Join(':', p));

    public static bool IsKnown(string key)
    {
        var segments = key.Split(':');
        return Patterns.Value.Any(pattern => pattern.Length == segments.Length
            && pattern.Zip(segments).All(pair => pair.First == "*" || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// Null when an environment variable name is a real setting: <c>AlertLinker__…</c> naming a bound option, or
    /// <c>ASPNETCORE_</c>/<c>DOTNET_</c> naming a host setting (<see cref="WebHostDefaults"/>); else why not.
    /// </summary>
    public static string? ProblemWith(string variable)
    {
        if (variable.StartsWith("AlertLinker__", StringComparison.OrdinalIgnoreCase))
        {
            var key = variable.Replace("__", ":", StringComparison.Ordinal);
            return IsKnown(key) ? null : $"{variable} is {key}, which no options class of the service binds";
        }
        foreach (var prefix in new[] { "ASPNETCORE_", "DOTNET_" })
        {
            if (!variable.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var hostKey = variable[prefix.Length..];
            return HostKeys.Contains(hostKey, StringComparer.OrdinalIgnoreCase)
                ? null
                : $"{variable} is not a host setting ({string.Join(", ", HostKeys)})";
        }
        return $"{variable} is neither an AlertLinker__ setting nor an ASPNETCORE_/DOTNET_ host setting";
    }

    /// <summary>The host's own keys (urls, http_ports, environment…): the string fields of WebHostDefaults.</summary>
    private static IReadOnlyList<string> HostKeys =>
        typeof(WebHostDefaults).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(string))
            .Select(f => (string)f.GetValue(null)!)
            .ToList();

    private static IReadOnlyList<string[]> Collect()
    {
        var patterns = new List<string[]>();
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            // Options classes: instantiable, with a SectionName constant under AlertLinker:.
            if (type.IsAbstract || type.IsInterface)
                continue;
            var section = type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            if (section is not { IsLiteral: true } || section.GetRawConstantValue() is not string name
                || !name.StartsWith("AlertLinker:", StringComparison.Ordinal))
                continue;
            Walk(type, name.Split(':'), patterns, depth: 0);
        }
        return patterns;
    }

    private static void Walk(Type type, string[] prefix, List<string[]> patterns, int depth)
    {
        if (depth > 6)
            return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Computed, get-only properties are not bound.
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is not { IsPublic: true })
                continue;
            Add(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, [.. prefix, property.Name], patterns, depth);
        }
    }

    private static void Add(Type type, string[] key, List<string[]> patterns, int depth)
    {
        if (IsLeaf(type))
        {
            patterns.Add(key);
            return;
        }
        if (ElementType(type) is { } element)
        {
            // A list (Key:0, Key:1…) or a dictionary (Key:<name>): any segment.
            Add(Nullable.GetUnderlyingType(element) ?? element, [.. key, "*"], patterns, depth + 1);
            return;
        }
        Walk(type, key, patterns, depth + 1);
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type))
            return null;
        var dictionary = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
            return dictionary.GetGenericArguments()[1];
        var enumerable = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
