namespace AlertLinker.Tests.TestSupport;

/// <summary>
/// The real payloads in <c>../shared/fixtures</c> beside the checkout (CI puts shared/ there).
/// Read at run time, never copied into the repo. ALERTLINKER_SHARED overrides the location.
/// </summary>
public static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string PathOf(string relative) => Path.Combine(Root.Value, "fixtures", relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static byte[] ReadBytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Every file of a fixture folder matching the pattern, as relative paths (for [MemberData]).</summary>
    public static IEnumerable<object[]> Files(string folder, string pattern = "*.json") =>
        Directory.EnumerateFiles(PathOf(folder), pattern)
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.Combine(folder, Path.GetFileName(f)) });

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("ALERTLINKER_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
            return fromEnv;
        var shared = Path.Combine(Path.GetDirectoryName(FindRepoRoot())!, "shared");
        return Directory.Exists(shared)
            ? shared
            : throw new DirectoryNotFoundException($"shared fixtures not found at {shared}; set ALERTLINKER_SHARED");
    }

    /// <summary>The folder holding AlertLinker.sln.</summary>
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AlertLinker.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("AlertLinker.sln not found above " + AppContext.BaseDirectory);
    }
}
