using AlertLinker.Backends;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlertLinker.Runbooks;

/// <summary>One alert a template is rendered against by <c>templates check</c>, named for the report.</summary>
public sealed record RunbookSample(string Name, ResolvedAlert Alert, IReadOnlyList<BackendSection> Backends);

/// <summary>
/// <c>AlertLinker templates check [DIR]</c>: the start-up validation, offline, for template authors' CI, then every
/// runbook rendered against every sample under the production sandbox's limits, with a member of null an error.
/// Prints one <c>file:line:col: reason</c> per problem; exit code 1 on any.
/// </summary>
public static class RunbookTemplateCheck
{
    public static int Run(string? directory, IReadOnlyList<RunbookSample> samples, TextWriter output)
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
        if (errors.Count == 0)
            errors.AddRange(RenderErrors(library, options, samples));
        foreach (var error in errors)
            output.WriteLine(error);
        output.WriteLine(errors.Count == 0
            ? $"{resolved}: {library.Runbooks.Count} runbooks and {library.Partials.Count} partials OK, rendered against {samples.Count} sample alert(s)"
            : $"{resolved}: {errors.Count} problem(s)");
        return errors.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<string> RenderErrors(RunbookLibrary library, RunbookOptions options, IReadOnlyList<RunbookSample> samples)
    {
        // No trace backends offline: the search helpers answer with empty lists, as they do when none is configured.
        using var services = new ServiceCollection().BuildServiceProvider();
        var renderer = new ScribanRunbookRenderer(library, options, new BackendDirectory(services), TimeProvider.System,
            NullLogger<ScribanRunbookRenderer>.Instance);
        // One line per template and reason: the same typo fails against every sample, and saying so once is enough.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var runbook in library.Runbooks)
        {
            foreach (var sample in samples)
            {
                var rendered = renderer.RenderStrict(runbook, sample.Alert, sample.Backends);
                if (rendered.Error is { } error && seen.Add(runbook.Path + "\n" + error))
                    yield return $"{Located(runbook, error)} (rendering {sample.Name})";
            }
        }
    }

    /// <summary>The renderer's note names the file only; the check names it as the author's folder holds it.</summary>
    private static string Located(RunbookTemplate runbook, string error)
    {
        var prefix = $"Runbook '{runbook.Title}' could not be rendered: ";
        var reason = error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error;
        var file = Path.GetFileName(runbook.Path);
        return reason.StartsWith(file + ":", StringComparison.Ordinal) ? runbook.Path + reason[file.Length..] : $"{runbook.Path}: {reason}";
    }
}
