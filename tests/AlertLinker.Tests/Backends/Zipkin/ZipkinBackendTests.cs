using AlertLinker.Backends;
using AlertLinker.Tests.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Zipkin;

public sealed class ZipkinBackendTests : IDisposable
{
    private const string Traces = "/api/v2/traces";
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    private BackendTestHost Host(params (string Key, string? Value)[] extra) =>
        new(BackendTestHost.Settings("zipkin",
            [("Type", "Zipkin"), ("ApiUrl", server.LoopbackUrl()), ("UiUrl", "https://zipkin.example.com/"), ("AttemptTimeout", "00:00:30"), .. extra]));

    private static string Fixture(string name) => SharedFixtures.Read("backends/zipkin/" + name);

    private void Serve(string path, int status, string body, string? annotationQuery = null)
    {
        var request = Request.Create().WithPath(path).UsingGet();
        if (annotationQuery is not null)
            request = request.WithParam("annotationQuery", annotationQuery);
        server.Given(request).AtPriority(annotationQuery is null ? 10 : 1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    private static ResolvedAlert Checkout => BackendTestHost.Alert("checkout", BackendTestHost.Window, operation: "get");

    [Fact]
    public void LinksSearchTheServiceAndItsErrorsInTheWindow()
    {
        using var host = Host(("MinDuration", "00:00:00.250"));

        var links = host.Backend("zipkin").BuildLinks(Checkout);

        Assert.Equal(2, links.Count);
        Assert.Contains("minDuration=250ms", links[0].Url.Query, StringComparison.Ordinal);
        Assert.Contains("annotationQuery=error", links[1].Url.Query, StringComparison.Ordinal);
        Assert.All(links, l => Assert.Contains("startTs=1795428000000&endTs=1795429200000", l.Url.Query, StringComparison.Ordinal));
        Assert.Empty(host.Backend("zipkin").BuildLinks(BackendTestHost.Alert(null, BackendTestHost.Window)));
    }

    [Fact]
    public async Task ExemplarsTheSearchReturnedWholeAreNeverFetchedAgain()
    {
        Serve(Traces, 200, $"[{Fixture("trace_by_id_yelp.json")},{Fixture("trace_by_id_skew.json")}]");
        Serve(Traces, 200, $"[{Fixture("trace_by_id_messaging_kafka_with_error.json")}]", annotationQuery: "error");
        using var host = new BackendTestHost(BackendTestHost.Settings("zipkin",
            ("Type", "Zipkin"), ("ApiUrl", server.LoopbackUrl()), ("AttemptTimeout", "00:00:30")), cacheTtl: TimeSpan.FromMinutes(1));
        var backend = host.Backend("zipkin");

        var exemplars = await backend.FindExemplarsAsync(Checkout, CancellationToken.None);
        var traces = await Task.WhenAll(exemplars.Select(e => backend.GetTraceAsync(e.TraceId, BackendTestHost.Window, CancellationToken.None)));

        Assert.Equal(exemplars.Select(e => e.TraceId), traces.Select(t => t!.TraceId));
        Assert.All(traces, t => Assert.NotEmpty(t!.Spans));
        // The two searches, and no /api/v2/trace/{id}.
        Assert.Equal(2, server.LogEntries.Count());
        Assert.All(server.LogEntries, e => Assert.Equal(Traces, e.RequestMessage.Path));
    }

    [Fact]
    public async Task ExemplarsAreTheSlowestAndErroredTracesOfTheWindow()
    {
        Serve(Traces, 200, $"[{Fixture("trace_by_id_yelp.json")},{Fixture("trace_by_id_skew.json")}]");
        Serve(Traces, 200, $"[{Fixture("trace_by_id_messaging_kafka_with_error.json")}]", annotationQuery: "error");
        using var host = Host(("MinDuration", "00:00:00.100"));

        var exemplars = await host.Backend("zipkin").FindExemplarsAsync(Checkout, CancellationToken.None);

        // Slowest first (the 649 ms Kafka trace, also the errored one), then the 162 ms skewed and the 132 ms Yelp trace.
        Assert.Equal(["0562809467078eab", "1e223ff1f80f1c69", "a03ee8fff1dcd9b9"], exemplars.Select(e => e.TraceId));
        Assert.True(exemplars[0].Error);
        Assert.Equal(new Uri("https://zipkin.example.com/zipkin/traces/0562809467078eab"), exemplars[0].Link);
        var requests = server.RequestsTo(Traces);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("checkout", r.Param("serviceName"));
            Assert.Equal("get", r.Param("spanName"));
            Assert.Equal("1795429200000", r.Param("endTs"));
            Assert.Equal("1200000", r.Param("lookback"));
            Assert.Equal("20", r.Param("limit"));
        });
        // The API takes minDuration in µs (the UI link says 100ms).
        Assert.Contains(requests, r => r.Param("minDuration") == "100000" && r.Param("annotationQuery") is null);
        Assert.Contains(requests, r => r.Param("annotationQuery") == "error" && r.Param("minDuration") is null);
    }

    [Fact]
    public async Task AnEmptyWindowFindsNothing()
    {
        Serve(Traces, 200, "[]");
        using var host = Host();

        Assert.Empty(await host.Backend("zipkin").FindExemplarsAsync(Checkout, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnreadableSearchAnswerFailsNamingTheRouteOnly()
    {
        Serve(Traces, 200, "{\"unexpected\":true}");
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("zipkin").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("/api/v2/traces", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWholeTraceIsFetchedByIdAndAnalysable()
    {
        Serve("/api/v2/trace/0562809467078eab", 200, Fixture("trace_by_id_messaging_kafka_with_error.json"));
        using var host = Host();

        var trace = await host.Backend("zipkin").GetTraceAsync("0562809467078EAB", BackendTestHost.Window, CancellationToken.None);

        Assert.Equal(28, trace!.Spans.Count);
        Assert.Equal("some error", AlertLinker.Analysis.TraceAnalyzer.Analyze(trace).ErrorOrigin!.Message);
    }

    [Fact]
    public async Task ATraceZipkinNoLongerHasIsNull()
    {
        Serve("/api/v2/trace/1e223ff1f80f1c69", 404, "");
        using var host = Host();

        Assert.Null(await host.Backend("zipkin").GetTraceAsync("1e223ff1f80f1c69", BackendTestHost.Window, CancellationToken.None));
    }

    [Fact]
    public void ASearchLinkForARunbookCarriesItsFilters()
    {
        using var host = Host();
        var search = new TraceSearch("checkout", null, BackendTestHost.Window,
            new Dictionary<string, string> { ["db.system"] = "postgresql" }, ErrorsOnly: true);

        var link = host.Backend("zipkin").BuildSearchLink(search)!;

        Assert.Equal("error and db.system=postgresql", link.Query);
        Assert.Contains("annotationQuery=error%20and%20db.system%3Dpostgresql", link.Url.AbsoluteUri, StringComparison.Ordinal);
    }
}
