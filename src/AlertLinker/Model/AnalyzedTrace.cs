
namespace AlertLinker.Model;

/// <summary>An exemplar whose full trace was fetched and analysed: where its time went, where it failed, its N+1s.</summary>
public sealed record AnalyzedTrace(TraceSummary Exemplar, TraceInsights Insights);
