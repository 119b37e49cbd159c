namespace AlertLinker.Model;

/// <summary>
/// Where the logs of one exemplar trace are (Loki in Grafana Explore, Kibana, any URL template), scoped to the alert's
/// service and window. Computed in enrichment, so the sink, the runbooks and the preview all see the same links.
/// </summary>
/// <param name="TraceId">The exemplar's trace id as the backend that found it first wrote it.</param>
/// <param name="Title">The configured title, else the entry's name under <c>AlertLinker:LogLinks</c>.</param>
/// <param name="Query">The query the link runs (LogQL), when the log UI has one.</param>
public sealed record LogLink(string TraceId, string Title, Uri Url, string? Query = null);
