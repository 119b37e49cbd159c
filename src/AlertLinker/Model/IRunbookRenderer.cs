
namespace AlertLinker.Model;

/// <summary>Chooses the runbook templates whose matchers fit the alert and renders them with the enriched alert.</summary>
public interface IRunbookRenderer
{
    /// <summary>True once every template parsed.</summary>
    bool IsReady { get; }

    IReadOnlyList<RenderedRunbook> Render(ResolvedAlert alert, IReadOnlyList<BackendSection> backends);
}
