using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

/// <summary>
/// Holds the parsed runbook folder. Start-up validation loads it (so a broken template stops start-up with its
/// file:line:col) and the renderer uses that same load: templates are parsed once.
/// </summary>
internal sealed class RunbookCatalog
{
    private readonly Lock gate = new();
    private (string Directory, RunbookLibrary Library, IReadOnlyList<string> Errors)? loaded;

    public (RunbookLibrary Library, IReadOnlyList<string> Errors) Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        lock (gate)
        {
            if (loaded is { } current && current.Directory == full)
                return (current.Library, current.Errors);
            var errors = new List<string>();
            var library = RunbookLoader.Load(full, errors);
            loaded = (full, library, errors);
            return (library, errors);
        }
    }
}

/// <summary>Fails start-up when the runbook folder is missing or any template in it does not parse.</summary>
internal sealed class RunbookTemplatesValidator(RunbookCatalog catalog) : IValidateOptions<RunbookOptions>
{
    public ValidateOptionsResult Validate(string? name, RunbookOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
            return ValidateOptionsResult.Skip; // the attribute validator reports it
        var directory = options.ResolveDirectory(out var tried);
        if (directory is null)
            return ValidateOptionsResult.Fail(
                $"{RunbookOptions.SectionName}:Directory '{options.Directory}' does not exist (looked in {string.Join(", ", tried)})");
        var (_, errors) = catalog.Load(directory);
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(error => "runbook template " + error));
    }
}
