using Scriban;

namespace AlertLinker.Runbooks;

/// <summary>
/// One parsed runbook file. <see cref="Selectors"/> are alternatives: the runbook applies when any one of them
/// matches (every matcher of that selector holds).
/// </summary>
internal sealed record RunbookTemplate(
    string Name,
    string Path,
    string Title,
    int Order,
    IReadOnlyList<IReadOnlyList<LabelMatcher>> Selectors,
    Template Template)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        Selectors.Any(selector => selector.All(matcher => matcher.Matches(labels)));
}

/// <summary>Everything loaded from the runbook folder: runbooks in render order, and partials by name for <c>include</c>.</summary>
internal sealed record RunbookLibrary(
    string Directory,
    IReadOnlyList<RunbookTemplate> Runbooks,
    IReadOnlyDictionary<string, Template> Partials)
{
    /// <summary>Every file's text by file name (<c>latency.sbn</c>, <c>_lib.sbn</c>), as it was parsed: what the playground edits.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static RunbookLibrary Empty { get; } =
        new("", [], new Dictionary<string, Template>());
}
