namespace AlertLinker.Model;

/// <summary>One exemplar trace.</summary>
public sealed record TraceSummary(
    string TraceId,
    string? RootService,
    string? RootOperation,
    DateTimeOffset? Start,
    TimeSpan? Duration,
    bool Error,
    Uri? Link);
