
namespace AlertLinker.Model;

/// <summary>Chooses the runbook templates whose matchers fit the alert and renders them with the enriched alert.</summary>
public interface IRunbookRenderer
{
    /// <summary>True once every template parsed.</summary>
    bool IsReady { get; }

    /// <summary>
    /// Why the templates on disk do not load (file:line:col: reason), while the last good set keeps rendering; empty
    /// while the set on disk is the one in use.
    /// </summary>
    IReadOnlyList<string> StaleBecause => [];

    /// <param name="logLinks">The log links of the alert's exemplar traces (<c>log_links</c> in templates).</param>
    IReadOnlyList<RenderedRunbook> Render(ResolvedAlert alert, IReadOnlyList<BackendSection> backends, IReadOnlyList<LogLink>? logLinks = null);
}
