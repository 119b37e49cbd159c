using System.Diagnostics.Metrics;
using AlertLinker.Backends;

namespace AlertLinker.Operability;

/// <summary>
/// The service's own metrics (System.Diagnostics.Metrics), exported at <c>/metrics</c> together with ASP.NET Core's
/// request metrics. Watch alertlinker_deliveries_total{outcome="failed"} and backend timeouts.
/// </summary>
public sealed class AlertLinkerMetrics
{
    public const string MeterName = AlertLinkerActivity.MeterName;

    private readonly Counter<long> alertsReceived;
    private readonly Counter<long> deliveries;
    private readonly Counter<long> backendSearches;
    private readonly Histogram<double> backendDuration;

    public AlertLinkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        alertsReceived = meter.CreateCounter<long>("alertlinker_alerts_received", description: "Alerts received by source and outcome (accepted, duplicate, store_failed).");
        deliveries = meter.CreateCounter<long>("alertlinker_deliveries", description: "Delivery attempts of notifications by outcome (delivered, retry, failed).");
        backendSearches = meter.CreateCounter<long>("alertlinker_backend_searches", description: "Exemplar searches by backend and outcome.");
        // Seconds, so the boundaries are given: the SDK's default ones (0, 5, 10, 25 … 10 000) would put every search in the first.
        backendDuration = meter.CreateHistogram<double>("alertlinker_backend_search_duration", unit: "s", description: "Duration of exemplar searches by backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10] });
    }

    /// <summary>A label value as every label value here is written: lower-case words joined by '_' (TimedOut → timed_out).</summary>
    public static string Label(BackendOutcome outcome) => Label(outcome.ToString());

    internal static string Label(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }

    public void AlertsReceived(string source, string outcome, int count)
    {
        if (count > 0)
            alertsReceived.Add(count, new("source", source), new("outcome", outcome));
    }

    public void Delivery(string source, string outcome) =>
        deliveries.Add(1, new("source", source), new("outcome", outcome));

    public void BackendSearch(string backend, BackendOutcome outcome, TimeSpan elapsed)
    {
        backendSearches.Add(1, new("backend", backend), new("outcome", Label(outcome)));
        backendDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("backend", backend));
    }
}
