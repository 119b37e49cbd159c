using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

/// <summary><c>AlertLinker:Runbooks</c>: where the templates are and what one render may cost.</summary>
public sealed class RunbookOptions
{
    public const string SectionName = "AlertLinker:Runbooks";
    public const string DefaultDirectory = "templates/runbooks";

    /// <summary>
    /// The template folder. A relative path is looked up in the current directory first (<c>dotnet run</c> from the
    /// repo root), then beside the binary (templates are copied to the build and publish output).
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

    /// <summary>The folder the templates are read from, or null with the places that were tried.</summary>
    public string? ResolveDirectory(out IReadOnlyList<string> tried) =>
        ResolveDirectory(Directory, System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory, out tried);

    internal static string? ResolveDirectory(string configured, string currentDirectory, string baseDirectory, out IReadOnlyList<string> tried)
    {
        var candidates = Path.IsPathRooted(configured)
            ? [configured]
            : new[] { Path.Combine(currentDirectory, configured), Path.Combine(baseDirectory, configured) }
                .Select(Path.GetFullPath)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
        tried = candidates;
        return candidates.FirstOrDefault(System.IO.Directory.Exists);
    }
}

/// <summary>Checks the attributes of <see cref="RunbookOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RunbookOptionsValidator : IValidateOptions<RunbookOptions>;
