using System.Text;
using AlertLinker.Operability;
using AlertLinker.Tests.Backends;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Operability;

public sealed class TelemetryTests
{
    [Fact]
    public async Task WithAnOtlpEndpointTheServiceSendsItsOwnSpansAndLogsCarryTheTraceId()
    {
        using var collector = WireMockServer.Start();
        collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var app = await RefusingBackendRun.DeliverOneAlertAsync(new Dictionary<string, string?>
        {
            ["AlertLinker:Telemetry:OtlpEndpoint"] = collector.LoopbackUrl() + "v1/traces",
            ["AlertLinker:Telemetry:OtlpProtocol"] = "HttpProtobuf",
        });
        // The batch exporter sends on its own schedule and a loaded machine can make one export miss the flush's
        // time-out, so flush until every expected span has arrived (or 30 s have passed; then the asserts say what is missing).
        var expected = new[] { TelemetryOptions.ServiceName, "accept", "enrich", "backend jaeger" };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string exported;
        while (true)
        {
            app.Services.GetRequiredService<TracerProvider>().ForceFlush(5_000);
            // OTLP/protobuf: span names and resource attributes are UTF-8 strings inside the body.
            exported = string.Join("\n", collector.LogEntries.Select(e => Encoding.UTF8.GetString(e.RequestMessage.BodyAsBytes ?? [])));
            if (expected.All(s => exported.Contains(s, StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(200);
        }

        foreach (var text in expected)
            Assert.Contains(text, exported, StringComparison.Ordinal);

        var acceptedLine = app.Services.GetFakeLogCollector().GetSnapshot().First(r => r.Id.Id == 1001);
        Assert.Contains(acceptedLine.Scopes, scope => scope?.ToString()?.Contains("TraceId:", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void BackendSearchOutcomesAreLowerCaseWordsLikeEveryOtherLabel()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new AlertLinkerMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var searches = new MetricCollector<long>(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AlertLinkerMetrics.MeterName, "alertlinker_backend_searches");

        foreach (var outcome in Enum.GetValues<BackendOutcome>())
            metrics.BackendSearch("jaeger", outcome, TimeSpan.FromMilliseconds(5));

        var labels = searches.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).ToList();
        Assert.Equal(Enum.GetValues<BackendOutcome>().Length, labels.Count);
        Assert.All(labels, label => Assert.Matches("^[a-z]+(_[a-z]+)*$", label));
        Assert.Contains("timed_out", labels);
        Assert.Contains("failed", labels);
        Assert.Equal("nothing_found", AlertLinkerMetrics.Label(BackendOutcome.NothingFound));
    }

    [Fact]
    public void BackendSearchDurationsAreBucketedForSecondsNotTheSdkDefaultOfThousands()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        System.Diagnostics.Metrics.Instrument? duration = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Name == "alertlinker_backend_search_duration")
                    duration = instrument;
            },
        };
        listener.Start();

        _ = new AlertLinkerMetrics(factory);

        var histogram = Assert.IsType<System.Diagnostics.Metrics.Histogram<double>>(duration);
        Assert.Equal("s", histogram.Unit);
        var boundaries = histogram.Advice?.HistogramBucketBoundaries;
        Assert.NotNull(boundaries);
        // A 120 ms search and a 2 s timeout land in different buckets (with 0, 5, 10 … they would share the first).
        Assert.Contains(boundaries, b => b > 0.12 && b <= 1);
        Assert.Contains(boundaries, b => b >= 2 && b <= 10);
        Assert.True(boundaries[0] <= 0.05, $"first boundary {boundaries[0]} s");
    }
}
