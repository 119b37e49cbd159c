using AlertLinker.Backends;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Backends;

public sealed class CachingTraceBackendTests
{
    private static readonly AlertWindow Window = BackendTestHost.Window;

    private readonly FakeTraceBackend inner = FakeTraceBackend.Answering("jaeger", "4bf92f3577b34da6a3ce929d0e0e4736");

    private CachingTraceBackend Cached() =>
        new(inner, new BackendQueryCache(Options.Create(new EnrichmentOptions()), new FakeTimeProvider()));

    [Fact]
    public async Task AlertsOfOneServiceAndMinuteShareOneSearch()
    {
        var backend = Cached();
        var shifted = new AlertWindow(Window.Start.AddSeconds(40), Window.End.AddSeconds(40));

        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window), CancellationToken.None);
        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", shifted), CancellationToken.None);

        Assert.Equal(1, inner.Searches);
    }

    [Fact]
    public async Task WindowsThatOverlapWithinTheToleranceShareOneSearchForTheLifeOfTheStorm()
    {
        var time = new FakeTimeProvider();
        var backend = new CachingTraceBackend(inner, new BackendQueryCache(Options.Create(new EnrichmentOptions
        {
            CacheTtl = TimeSpan.FromSeconds(60),
            CacheWindowTolerance = TimeSpan.FromMinutes(2),
        }), time));

        // Ten minutes of a storm: an alert every 30 s, each window 30 s later than the one before, across minute marks.
        for (var i = 0; i < 20; i++)
        {
            var shifted = new AlertWindow(Window.Start.AddSeconds(30 * i), Window.End.AddSeconds(30 * i));
            await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", shifted), CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(30));
        }

        // One search per two minutes of drift (plus the first), not one per alert; the 60 s lifetime never ran out
        // while the answers were in use.
        Assert.Equal(4, inner.Searches);
    }

    [Theory]
    [InlineData("payments", null, 0)]
    [InlineData("checkout", "GET /cart", 0)]
    [InlineData("checkout", null, 121)]
    [InlineData("checkout", null, -121)]
    public async Task AnotherServiceOperationOrAWindowBeyondTheToleranceIsAnotherSearch(string service, string? operation, int shiftSeconds)
    {
        var backend = Cached();
        var window = new AlertWindow(Window.Start.AddSeconds(shiftSeconds), Window.End.AddSeconds(shiftSeconds));

        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window), CancellationToken.None);
        await backend.FindExemplarsAsync(BackendTestHost.Alert(service, window, operation), CancellationToken.None);

        Assert.Equal(2, inner.Searches);
    }

    [Fact]
    public async Task TwoRulesOnOneServiceShareOneSearchWhereTheBackendIgnoresTheExpression()
    {
        var backend = Cached();

        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window, expression: "histogram_quantile(0.99, rate(x[5m])) > 0.5"), CancellationToken.None);
        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window, expression: "rate(errors_total[5m]) > 1"), CancellationToken.None);

        Assert.Equal(1, inner.Searches);
    }

    [Fact]
    public async Task ForPrometheusExemplarsAnotherExpressionIsAnotherSearch()
    {
        var prometheus = new FakeTraceBackend("prom", (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>([]),
            AlertLinker.Backends.PrometheusExemplars.PrometheusExemplarsBackend.TypeName);
        var backend = new CachingTraceBackend(prometheus, new BackendQueryCache(Options.Create(new EnrichmentOptions()), new FakeTimeProvider()));

        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window, expression: "histogram_quantile(0.99, rate(x[5m])) > 0.5"), CancellationToken.None);
        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window, expression: "rate(errors_total[5m]) > 1"), CancellationToken.None);
        await backend.FindExemplarsAsync(BackendTestHost.Alert("checkout", Window, expression: "rate(errors_total[5m]) > 1"), CancellationToken.None);

        Assert.Equal(2, prometheus.Searches);
    }

    [Fact]
    public async Task ATraceIsFetchedOncePerIdWhateverItsSpelling()
    {
        var backend = Cached();

        await backend.GetTraceAsync("4BF92F3577B34DA6A3CE929D0E0E4736", Window, CancellationToken.None);
        await backend.GetTraceAsync("4bf92f3577b34da6a3ce929d0e0e4736", Window, CancellationToken.None);
        await backend.GetTraceAsync("0af7651916cd43dd8448eb211c80319c", Window, CancellationToken.None);

        Assert.Equal(2, inner.TraceFetches);
    }

    [Fact]
    public void WhatTheBackendCanDoAndItsLinksPassThrough()
    {
        var limited = new FakeTraceBackend("ls", (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>([]))
        {
            Capabilities = new BackendCapabilities(false, true, "links only"),
        };
        var backend = new CachingTraceBackend(limited, new BackendQueryCache(Options.Create(new EnrichmentOptions()), new FakeTimeProvider()));

        Assert.Equal("links only", backend.Capabilities.Limitation);
        Assert.Equal(limited.BuildLinks(BackendTestHost.Alert("a", Window)), backend.BuildLinks(BackendTestHost.Alert("a", Window)));
        Assert.Equal(("ls", "Fake"), (backend.Name, backend.Type));
    }

    [Fact]
    public void EveryConfiguredBackendIsWrapped()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("z", ("Type", "Zipkin"), ("ApiUrl", "http://127.0.0.1:9411/")));

        Assert.IsType<CachingTraceBackend>(host.Backend("z"));
    }
}
