namespace AlertLinker.Backends;

/// <summary>
/// Defaults that depend on other keys of the same section (Datadog's ApiUrl from its Site), applied before the
/// section is bound and validated, so that what AddBackend binds is what the user would have written out.
/// </summary>
internal static class SectionDefaults
{
    /// <summary>The section with <paramref name="defaults"/> filled in where the key is missing; its path is kept for messages.</summary>
    public static IConfigurationSection With(IConfigurationSection section, IEnumerable<(string Key, string? Value)> defaults)
    {
        var values = section.AsEnumerable().ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in defaults)
        {
            if (value is not null && string.IsNullOrEmpty(section[key]))
                values[$"{section.Path}:{key}"] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(section.Path);
    }
}
