using AlertLinker.Backends.Tempo;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Resolution;

/// <summary>Alerts on span metrics (deploy/prometheus/span-metrics.rules.yml) resolve to their service and operation.</summary>
public sealed class SpanMetricLabelsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 30, 0, TimeSpan.Zero);

    private static ResolvedAlert Resolve(Dictionary<string, string> labels, ServiceOptions? services = null) =>
        new AlertResolver(Options.Create(services ?? new ServiceOptions()), Options.Create(new WindowOptions())).Resolve(new Alert
        {
            Fingerprint = "f",
            Status = AlertStatus.Firing,
            Name = "SpanErrorRateHigh",
            Labels = labels,
            StartsAt = Now.AddMinutes(-5),
        }, Now);

    [Fact]
    public void AnOtelCollectorErrorRateAlertResolvesToItsServiceAndSpanNotToTheScrapedCollector()
    {
        var resolved = Resolve(new()
        {
            ["alertname"] = "SpanErrorRateHigh", ["service"] = "otel-collector", ["job"] = "otel-collector",
            ["service_name"] = "checkout", ["span_name"] = "POST /checkout", ["span_kind"] = "SPAN_KIND_SERVER", ["status_code"] = "STATUS_CODE_ERROR",
            ["http_route"] = "/checkout",
        });

        Assert.Equal(("checkout", "POST /checkout"), (resolved.Service, resolved.Operation));
        Assert.Equal(("server", true), (resolved.SpanMetric!.Kind, resolved.SpanMetric.ErrorsOnly));
        // The searches are scoped to the operation.
        Assert.Equal("{ resource.service.name = \"checkout\" && name = \"POST /checkout\" && status = error }",
            TraceQl.SpanSet(resolved.Service, resolved.Operation, errorsOnly: resolved.SpanMetric.ErrorsOnly));
    }

    [Fact]
    public void ATempoDatabaseLatencyAlertResolvesToItsServiceSpanAndDatabase()
    {
        var resolved = Resolve(new() { ["service"] = "inventory-service", ["span_name"] = "SELECT items", ["span_kind"] = "SPAN_KIND_CLIENT", ["db_system"] = "postgresql" });

        Assert.Equal(("inventory-service", "SELECT items"), (resolved.Service, resolved.Operation));
        Assert.Equal("client", resolved.SpanMetric!.Kind);
        Assert.False(resolved.SpanMetric.ErrorsOnly);
        Assert.Equal("postgresql", resolved.SpanMetric.Attributes["db.system"]);
    }

    [Fact]
    public void AnAlertWithoutSpanLabelsHasNoSpanMetricScope() =>
        Assert.Null(Resolve(new() { ["service"] = "checkout", ["route"] = "/x" }).SpanMetric);

    [Fact]
    public void AConfiguredPrecedenceStillWinsForSpanMetrics() =>
        Assert.Equal("otel-collector", Resolve(new() { ["job"] = "otel-collector", ["service_name"] = "checkout", ["span_name"] = "GET /" }, new ServiceOptions { LabelPrecedence = ["job"] }).Service);
}
