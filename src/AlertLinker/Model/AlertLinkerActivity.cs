using System.Diagnostics;

namespace AlertLinker.Model;

/// <summary>
/// The service's own spans: accept, enrich, each backend call, each Slack call. Exported over OTLP when
/// <c>AlertLinker:Telemetry:OtlpEndpoint</c> is set; with no listener, starting one costs nothing and yields null.
/// </summary>
public static class AlertLinkerActivity
{
    public const string SourceName = "AlertLinker";

    /// <summary>The name of the service's own meter: every stage that records a metric creates its meter by it.</summary>
    public const string MeterName = "AlertLinker";

    public static readonly ActivitySource Source = new(SourceName);
}
