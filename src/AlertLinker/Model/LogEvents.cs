namespace AlertLinker.Model;

/// <summary>
/// The one table of logging event id ranges: each area takes its ids from its own range, so an id names one line of
/// one area (a log query for 3301 finds one thing). <c>LogEventsTests</c> holds every [LoggerMessage] of the assembly
/// to this table and fails on a duplicate. A new area adds a row here.
/// </summary>
public static class LogEvents
{
    /// <summary>An area, the namespaces whose log lines it numbers, and its id range (inclusive).</summary>
    public sealed record Area(string Name, int First, int Last, params string[] Namespaces);

    public static readonly IReadOnlyList<Area> Areas =
    [
        new("sources", 1000, 1099, "AlertLinker.Sources"),
        new("storage", 2000, 2099, "AlertLinker.Storage"),
        new("delivery", 2100, 2199, "AlertLinker.Pipeline"),
        new("enrichment", 3000, 3099, "AlertLinker.Pipeline", "AlertLinker.Backends"),
        new("jaeger", 3100, 3199, "AlertLinker.Backends.Jaeger"),
        new("tempo", 3200, 3299, "AlertLinker.Backends.Tempo"),
        new("prometheus exemplars", 3300, 3399, "AlertLinker.Backends.PrometheusExemplars"),
        new("honeycomb", 3400, 3499, "AlertLinker.Backends.Honeycomb"),
        new("datadog", 3500, 3599, "AlertLinker.Backends.Datadog"),
        new("zipkin", 3600, 3699, "AlertLinker.Backends.Zipkin"),
        new("lightstep", 3700, 3799, "AlertLinker.Backends.Lightstep"),
        new("log links", 3800, 3899, "AlertLinker.LogLinks"),
        new("graphs", 3900, 3999, "AlertLinker.Graphs"),
        new("analysis", 4000, 4099, "AlertLinker.Analysis"),
        new("runbooks", 5000, 5099, "AlertLinker.Runbooks"),
        new("resolution", 6000, 6099, "AlertLinker.Resolution"),
        new("slack", 7000, 7099, "AlertLinker.Slack"),
        new("actions", 7500, 7599, "AlertLinker.Actions"),
        new("preview", 8000, 8099, "AlertLinker.Preview"),
        new("configuration", 9000, 9049, "AlertLinker.Configuration"),
        new("operability", 9050, 9099, "AlertLinker.Operability"),
        new("http", 9100, 9199, "AlertLinker.Http"),
    ];
}
