using AlertLinker.Backends.PrometheusExemplars;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.PrometheusExemplars;

public sealed class PrometheusExemplarsBackendTests : IDisposable
{
    private const string QueryExemplars = "/api/v1/query_exemplars";
    private const string Expression = "histogram_quantile(0.99, sum by (le) (rate(traces_spanmetrics_duration_seconds_bucket[5m]))) > 0.5";
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    /// <summary>A Prometheus exemplars backend "prom" linking into a Jaeger backend "jaeger" (at <paramref name="jaegerUrl"/>).</summary>
    private BackendTestHost Host(string traceBackend = "jaeger", int exemplars = 3, string jaegerUrl = "http://127.0.0.1:9/",
        params (string Key, string? Value)[] extra)
    {
        var settings = BackendTestHost.Settings("prom",
            [("Type", "PrometheusExemplars"), ("ApiUrl", server.LoopbackUrl()), ("TraceBackend", traceBackend), ("AttemptTimeout", "00:00:30"), .. extra]);
        foreach (var (key, value) in BackendTestHost.Settings("jaeger",
                     ("Type", "Jaeger"), ("ApiUrl", jaegerUrl), ("UiUrl", "https://jaeger.example.com/")))
            settings[key] = value;
        return new BackendTestHost(settings, exemplars);
    }

    private void Serve(string body, int status = 200) =>
        server.Given(Request.Create().WithPath(QueryExemplars).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private static ResolvedAlert Alert(string? expression = Expression) =>
        BackendTestHost.Alert("mythical-server", BackendTestHost.Window, expression: expression);

    [Fact]
    public async Task ExemplarsAreTheLargestValuesLinkedIntoTheTraceBackend()
    {
        Serve(SharedFixtures.Read("backends/prometheus/query_exemplars_response_traceID_label.grafana_excerpt.json"));
        using var host = Host(exemplars: 2);

        var exemplars = await host.Backend("prom").FindExemplarsAsync(Alert(), CancellationToken.None);

        Assert.Equal(["c8ba445009b868ddfe1c807e337bf989", "84e478f15d3b5dd66e5e916fd54339cc"], exemplars.Select(e => e.TraceId));
        Assert.Equal(new Uri("https://jaeger.example.com/trace/c8ba445009b868ddfe1c807e337bf989"), exemplars[0].Link);
        Assert.Equal("mythical-server", exemplars[0].RootService);
        Assert.Equal("DELETE /:endpoint", exemplars[0].RootOperation);
        Assert.Equal(TimeSpan.FromSeconds(0.038592), exemplars[0].Duration);
        var request = Assert.Single(server.RequestsTo(QueryExemplars));
        Assert.Equal(Expression, request.Param("query"));
        Assert.Equal("1795428000", request.Param("start"));
        Assert.Equal("1795429200", request.Param("end"));
    }

    [Fact]
    public async Task TheDocsExampleWithTraceIdLabelsWorksToo()
    {
        Serve(SharedFixtures.Read("backends/prometheus/query_exemplars_response.docs.json"));
        using var host = Host();

        var exemplars = await host.Backend("prom").FindExemplarsAsync(Alert(), CancellationToken.None);

        Assert.Equal(["hCtjygkIHwAN9vs4", "Olp9XHlq763ccsfa", "EpTxMJ40fUus7aGY"], exemplars.Select(e => e.TraceId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1600096965489), exemplars[0].Start);
    }

    [Fact]
    public async Task NoExpressionMeansNoQuery()
    {
        using var host = Host();

        Assert.Empty(await host.Backend("prom").FindExemplarsAsync(Alert(expression: null), CancellationToken.None));
        Assert.Empty(host.Backend("prom").BuildLinks(Alert(expression: null)));
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public async Task AnExpressionPrometheusRejectsIsNoExemplars()
    {
        Serve("""{"status":"error","errorType":"bad_data","error":"query must contain a vector selector"}""", status: 400);
        using var host = Host();

        Assert.Empty(await host.Backend("prom").FindExemplarsAsync(Alert("vector(1)"), CancellationToken.None));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("bad_data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmptyDataIsNoExemplars()
    {
        Serve("""{"status":"success","data":[]}""");
        using var host = Host();

        Assert.Empty(await host.Backend("prom").FindExemplarsAsync(Alert(), CancellationToken.None));
    }

    [Fact]
    public void AnUnknownTraceBackendStopsStartUpNamingTheConfiguredOnes()
    {
        // Was found at the first alert (logged, exemplars without links); now start-up names it with what to write.
        var error = Assert.Throws<OptionsValidationException>(() => Host(traceBackend: "tempo-typo"));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("AlertLinker:Backends:prom:TraceBackend is 'tempo-typo'", failure, StringComparison.Ordinal);
        Assert.Contains("jaeger", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExemplarTracesAreFetchedWholeFromTheTraceBackend()
    {
        const string traceId = "00000000000000000000000000000001";
        using var jaeger = WireMockServer.Start();
        jaeger.Given(Request.Create().WithPath("/api/v3/traces/" + traceId).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(SharedFixtures.Read("backends/jaeger/v3_GetTrace.json")));
        using var host = Host(jaegerUrl: jaeger.LoopbackUrl());
        var backend = host.Backend("prom");

        var trace = await backend.GetTraceAsync(traceId, BackendTestHost.Window, CancellationToken.None);

        Assert.True(backend.Capabilities.ExemplarSearch);
        Assert.True(backend.Capabilities.FullTraces);
        Assert.Equal("foobar", Assert.Single(trace!.Spans).Operation);
        Assert.Single(jaeger.RequestsTo("/api/v3/traces/" + traceId));
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public void APrometheusTraceBackendStopsStartUpEvenWhenItIsThisOne()
    {
        // A Prometheus backend has no trace view to link to or fetch from.
        var error = Assert.Throws<OptionsValidationException>(() => Host(traceBackend: "prom"));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("AlertLinker:Backends:prom:TraceBackend is 'prom', a PrometheusExemplars backend, which has no trace view", failure, StringComparison.Ordinal);
        Assert.Contains("jaeger", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceLinksAreTheTraceBackendsAndGraphLinksPrometheus()
    {
        using var host = Host(extra: [("UiUrl", "https://prom.example.com/")]);
        var backend = host.Backend("prom");

        Assert.Equal(new Uri("https://jaeger.example.com/trace/abc"), backend.BuildTraceLink("abc", BackendTestHost.Window));
        Assert.Null(backend.BuildSearchLink(new TraceSearch("s", null, BackendTestHost.Window, new Dictionary<string, string>())));
        var link = Assert.Single(backend.BuildLinks(Alert()));
        Assert.StartsWith("https://prom.example.com/graph?g0.expr=histogram_quantile", link.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(Expression, link.Query);
    }

    [Fact]
    public async Task AServerErrorIsRetriedThenTheQuerySucceeds()
    {
        server.FailsOnceThenServes(QueryExemplars, 503, """{"status":"error","errorType":"unavailable","error":"tsdb busy"}""",
            SharedFixtures.Read("backends/prometheus/query_exemplars_response.docs.json"));
        using var host = Host();

        Assert.Equal(3, (await host.Backend("prom").FindExemplarsAsync(Alert(), CancellationToken.None)).Count);
        Assert.Equal(2, server.RequestsTo(QueryExemplars).Count);
    }

    [Fact]
    public async Task AnUnavailablePrometheusThrowsForTheEnricherToNote()
    {
        Serve("""{"status":"error","errorType":"unavailable","error":"tsdb busy"}""", status: 503);
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("prom").FindExemplarsAsync(Alert(), CancellationToken.None));
        Assert.Contains("/api/v1/query_exemplars answered 503", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationIsNotSwallowed()
    {
        server.Given(Request.Create().WithPath(QueryExemplars).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(1)).WithBody("""{"status":"success","data":[]}"""));
        using var host = Host();
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Backend("prom").FindExemplarsAsync(Alert(), budget.Token));
    }

    [Fact]
    public void TraceBackendIsRequired()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new BackendTestHost(
            BackendTestHost.Settings("prom", ("Type", "PrometheusExemplars"), ("ApiUrl", "http://127.0.0.1:9090/"))));
        Assert.Contains(error.Failures, f => f.Contains("TraceBackend is required", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfiguredTraceIdLabelsReplaceTheDefaults()
    {
        var options = new PrometheusExemplarsOptions { TraceIdLabels = ["dd.trace_id"] };
        Assert.Equal(["dd.trace_id"], options.EffectiveTraceIdLabels);
        Assert.Equal(["trace_id", "traceID", "traceId"], new PrometheusExemplarsOptions().EffectiveTraceIdLabels);
    }
}
