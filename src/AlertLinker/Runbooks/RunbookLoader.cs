using Scriban;
using Scriban.Parsing;

namespace AlertLinker.Runbooks;

/// <summary>
/// Reads and parses the runbook folder: <c>*.sbn</c> are runbooks (front matter + template), <c>_*.sbn</c> are
/// partials for <c>include</c>. Every problem is reported as <c>file:line:col: reason</c>, all of them at once.
/// </summary>
internal static class RunbookLoader
{
    public const string Extension = ".sbn";
    public const string PartialPrefix = "_";

    public static RunbookLibrary Load(string directory, List<string> errors)
    {
        var full = Path.GetFullPath(directory);
        var files = new List<(string FileName, string Text)>();
        foreach (var file in System.IO.Directory.EnumerateFiles(full, "*" + Extension, SearchOption.TopDirectoryOnly))
        {
            try
            {
                files.Add((Path.GetFileName(file), File.ReadAllText(file)));
            }
            catch (IOException e)
            {
                errors.Add($"{DisplayPath(file)}:1:1: cannot read the file: {e.Message}");
            }
        }
        return Parse(full, files, errors);
    }

    /// <summary>
    /// The folder's files as given (file name and text, nothing read from disk): what the folder loads and what the
    /// playground's override set renders with, parsed the same way. A file that does not parse is left out and reported.
    /// </summary>
    public static RunbookLibrary Parse(string directory, IEnumerable<(string FileName, string Text)> files, List<string> errors)
    {
        var full = Path.GetFullPath(directory);
        var runbooks = new List<RunbookTemplate>();
        var partials = new Dictionary<string, Template>(StringComparer.Ordinal);
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fileName, text) in files.OrderBy(f => f.FileName, StringComparer.Ordinal))
        {
            var display = DisplayPath(Path.Combine(full, fileName));
            var name = Path.GetFileNameWithoutExtension(fileName);
            texts[fileName] = text;

            if (name.StartsWith(PartialPrefix, StringComparison.Ordinal))
            {
                var partial = ParseTemplate(text, display, start: null, errors);
                if (partial is not null)
                    partials[name] = partial;
                continue;
            }

            var problems = new List<RunbookFrontMatter.Problem>();
            var frontMatter = RunbookFrontMatter.Parse(text, problems);
            errors.AddRange(problems.Select(p => $"{display}:{p.Line + 1}:{p.Column + 1}: {p.Message}"));
            if (frontMatter is null || problems.Count > 0)
                continue;

            var template = ParseTemplate(text, display, new TextPosition(frontMatter.ContentOffset, frontMatter.ContentLine, 0), errors);
            if (template is not null)
                runbooks.Add(new RunbookTemplate(name, display, frontMatter.Title ?? name, frontMatter.Order, frontMatter.Selectors, template));
        }

        var ordered = runbooks.OrderBy(r => r.Order).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        return new RunbookLibrary(full, ordered, partials) { Texts = texts };
    }

    public static ParserOptions ParserOptions { get; } = new() { ExpressionDepthLimit = 100 };

    private static Template? ParseTemplate(string text, string display, TextPosition? start, List<string> errors)
    {
        // Starting the lexer after the front matter keeps line numbers those of the file.
        var lexer = new LexerOptions { Mode = ScriptMode.Default, Lang = ScriptLang.Default, StartPosition = start ?? default };
        var template = Template.Parse(text, display, ParserOptions, lexer);
        if (!template.HasErrors)
            return template;
        errors.AddRange(template.Messages
            .Where(m => m.Type == Scriban.Parsing.ParserMessageType.Error)
            .Select(m => $"{display}:{m.Span.Start.Line + 1}:{m.Span.Start.Column + 1}: {m.Message}"));
        return null;
    }

    /// <summary>Relative to the current directory where it is below it (what an editor or CI log can open), else absolute.</summary>
    private static string DisplayPath(string file)
    {
        var relative = Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), file);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? file
            : relative.Replace('\\', '/');
    }
}
