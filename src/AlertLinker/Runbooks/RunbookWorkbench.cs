using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

/// <summary>
/// The runbook set as the playground edits it: the loaded files' texts, and a renderer of that set with some files
/// replaced or added in memory. Nothing here writes to the folder: an edited template reaches disk only by its author.
/// </summary>
internal sealed class RunbookWorkbench(ScribanRunbookRenderer renderer, IOptions<RunbookOptions> options)
{
    /// <summary>The loaded set: every file's text by name, and which are runbooks (with title) or partials.</summary>
    public IReadOnlyList<RunbookFile> Files()
    {
        var library = renderer.Library;
        var titles = library.Runbooks.ToDictionary(r => r.Name, r => r.Title, StringComparer.Ordinal);
        return library.Texts
            .Select(pair => Path.GetFileNameWithoutExtension(pair.Key) is var name && name.StartsWith(RunbookLoader.PartialPrefix, StringComparison.Ordinal)
                ? new RunbookFile(pair.Key, "partial", null, pair.Value)
                : new RunbookFile(pair.Key, "runbook", titles.GetValueOrDefault(name), pair.Value))
            .ToList();
    }

    /// <summary>The folder as configured (<c>AlertLinker:Runbooks:Directory</c>), for the <c>templates check</c> command to show.</summary>
    public string ConfiguredDirectory => options.Value.Directory;

    /// <summary>
    /// A renderer of the loaded set with <paramref name="overrides"/> (file name → text) in place of, or beside, its
    /// files, under the same sandbox limits; a file that does not parse is left out and reported with its line.
    /// </summary>
    public (IRunbookRenderer Renderer, IReadOnlyList<RunbookProblem> Problems) With(IReadOnlyDictionary<string, string> overrides)
    {
        var current = renderer.Library;
        var texts = new Dictionary<string, string>(current.Texts, StringComparer.Ordinal);
        foreach (var (file, text) in overrides)
            texts[file] = text;
        var errors = new List<string>();
        var library = RunbookLoader.Parse(current.Directory, texts.Select(pair => (pair.Key, pair.Value)), errors);
        return (renderer.With(library), errors.Select(RunbookProblem.Parse).ToList());
    }
}

/// <summary>One file of the runbook folder: <paramref name="Kind"/> is <c>runbook</c> or <c>partial</c>.</summary>
public sealed record RunbookFile(string File, string Kind, string? Title, string Text);

/// <summary>
/// A template problem with where it is: the file name, its 1-based line and column when the message names them, and
/// the message as the loader or renderer said it.
/// </summary>
public sealed partial record RunbookProblem(string? File, int? Line, int? Column, string Message)
{
    /// <summary>
    /// Reads <c>…/file.sbn:line:col: reason</c> (the loader's and renderer's form, after any prefix such as
    /// "Runbook 'X' could not be rendered: "), or <c>file.sbn: reason</c>; anything else is a message without a place.
    /// </summary>
    public static RunbookProblem Parse(string message)
    {
        var match = Located().Match(message);
        if (!match.Success)
            return new RunbookProblem(null, null, null, message);
        return new RunbookProblem(
            match.Groups["file"].Value,
            match.Groups["line"].Success ? int.Parse(match.Groups["line"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : null,
            match.Groups["column"].Success ? int.Parse(match.Groups["column"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : null,
            message);
    }

    [GeneratedRegex(@"(?:^|[\s/\\])(?<file>[^\s:/\\]+\.sbn):(?:(?<line>\d{1,7}):(?<column>\d{1,7}):)?\s", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Located();
}
