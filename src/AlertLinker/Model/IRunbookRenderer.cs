
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

    IReadOnlyList<RenderedRunbook> Render(ResolvedAlert alert, IReadOnlyList<BackendSection> backends);
}
