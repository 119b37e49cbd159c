namespace AlertLinker.Runbooks;

/// <summary>
/// <c>AlertLinker templates check [DIR]</c>: the start-up validation, offline, for template authors' CI.
/// Prints one <c>file:line:col: reason</c> per problem; exit code 1 on any.
/// </summary>
public static class RunbookTemplateCheck
{
    public static int Run(string? directory, TextWriter output)
    {
        var options = new RunbookOptions { Directory = string.IsNullOrWhiteSpace(directory) ? RunbookOptions.DefaultDirectory : directory };
        var resolved = options.ResolveDirectory(out var tried);
        if (resolved is null)
        {
            output.WriteLine($"runbook folder '{options.Directory}' not found (looked in {string.Join(", ", tried)})");
            return 1;
        }
        var errors = new List<string>();
        var library = RunbookLoader.Load(resolved, errors);
        foreach (var error in errors)
            output.WriteLine(error);
        output.WriteLine(errors.Count == 0
            ? $"{resolved}: {library.Runbooks.Count} runbooks and {library.Partials.Count} partials OK"
            : $"{resolved}: {errors.Count} problem(s)");
        return errors.Count == 0 ? 0 : 1;
    }
}
