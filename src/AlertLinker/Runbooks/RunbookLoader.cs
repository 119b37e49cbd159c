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
        var runbooks = new List<RunbookTemplate>();
        var partials = new Dictionary<string, Template>(StringComparer.Ordinal);
        var files = System.IO.Directory.EnumerateFiles(full, "*" + Extension, SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            var display = DisplayPath(file);
            var name = Path.GetFileNameWithoutExtension(file);
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException e)
            {
                errors.Add($"{display}:1:1: cannot read the file: {e.Message}");
                continue;
            }

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
        return new RunbookLibrary(full, ordered, partials);
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
