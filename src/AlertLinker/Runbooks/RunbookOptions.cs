using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

/// <summary><c>AlertLinker:Runbooks</c>: where the templates are and what one render may cost.</summary>
public sealed class RunbookOptions
{
    public const string SectionName = "AlertLinker:Runbooks";
    public const string DefaultDirectory = "templates/runbooks";
    public const int ParentLevels = 2;

    /// <summary>
    /// The template folder. A relative path is looked up in the current directory, then in up to
    /// <see cref="ParentLevels"/> folders above it (<c>dotnet run --project src/AlertLinker</c> runs in the project
    /// folder, two below the repo's templates/), then beside the binary (templates are copied to the build and
    /// publish output).
    /// </summary>
    [Required]
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>Wall-clock time one runbook may take to render.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Characters one runbook may produce; longer output is cut with a note.</summary>
    [Range(100, 100_000)]
    public int MaxOutputChars { get; set; } = 6_000;

    /// <summary>Loop iterations per render, all loops together (Scriban LoopLimit).</summary>
    [Range(10, 100_000)]
    public int LoopLimit { get; set; } = 1_000;

    /// <summary>Nested function and include calls (Scriban RecursiveLimit).</summary>
    [Range(5, 200)]
    public int RecursiveLimit { get; set; } = 50;

    /// <summary>Reload the templates when their files change. A change that breaks a template keeps the previous set (and logs why).</summary>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>The folder the templates are read from, or null with the places that were tried.</summary>
    public string? ResolveDirectory(out IReadOnlyList<string> tried) =>
        ResolveDirectory(Directory, System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory, out tried);

    internal static string? ResolveDirectory(string configured, string currentDirectory, string baseDirectory, out IReadOnlyList<string> tried)
    {
        var candidates = Path.IsPathRooted(configured)
            ? [configured]
            : Ancestors(currentDirectory).Append(baseDirectory)
                .Select(dir => Path.GetFullPath(Path.Combine(dir, configured)))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
        tried = candidates;
        return candidates.FirstOrDefault(System.IO.Directory.Exists);
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        var current = new DirectoryInfo(directory);
        for (var level = 0; level <= ParentLevels && current is not null; level++, current = current.Parent)
            yield return current.FullName;
    }
}

/// <summary>Checks the attributes of <see cref="RunbookOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RunbookOptionsValidator : IValidateOptions<RunbookOptions>;
