using AlertLinker.Backends;
using AlertLinker.Backends.Jaeger;
using AlertLinker.Tests.TestSupport;
using Polly.Timeout;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Jaeger;

public sealed class JaegerBackendTests : IDisposable
{
    private const string Summaries = "/api/v3/trace-summaries";
    private const string V3Traces = "/api/v3/traces";
    private const string V1Traces = "/api/traces";

    // What Go's ServeMux answers for a route it does not have.
    private const string GoNotFound = "404 page not found\n";

    // What api_v3 answers for a search that found nothing (jaeger http_gateway.go, returnTraces):
    // http.Error with the JSON-marshalled GRPCGatewayError.
    private const string NoTracesFound = "{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}\n";

    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    private BackendTestHost Host(params (string Key, string? Value)[] extra) =>
        new(BackendTestHost.Settings("jaeger",
            [("Type", "Jaeger"), ("ApiUrl", server.LoopbackUrl()), ("UiUrl", "https://jaeger.example.com/"), ("AttemptTimeout", "00:00:30"), .. extra]));

    private void Serve(string path, int status, string body, string contentType = "application/json") =>
        server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    private static ResolvedAlert Checkout => BackendTestHost.Alert("checkout", BackendTestHost.Window);

    [Fact]
    public async Task AnExemplarTheV1SearchReturnedWholeIsNotFetchedAgain()
    {
        Serve(V1Traces, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = new BackendTestHost(BackendTestHost.Settings("jaeger",
            ("Type", "Jaeger"), ("ApiUrl", server.LoopbackUrl()), ("Api", "V1"), ("AttemptTimeout", "00:00:30")), cacheTtl: TimeSpan.FromMinutes(1));
        var backend = host.Backend("jaeger");

        var exemplar = Assert.Single(await backend.FindExemplarsAsync(Checkout, CancellationToken.None));
        var trace = await backend.GetTraceAsync(exemplar.TraceId, BackendTestHost.Window, CancellationToken.None);

        Assert.Equal(2, trace!.Spans.Count);
        Assert.Equal(2, server.LogEntries.Count());
        Assert.All(server.LogEntries, e => Assert.Equal(V1Traces, e.RequestMessage.Path));
    }

    [Fact]
    public async Task TraceSummariesAreUsedWhenJaegerServesThem()
    {
        Serve(Summaries, 200, SharedFixtures.Read("backends/jaeger/v3_FindTraceSummaries.json"));
        using var host = Host();

        var exemplars = await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None);

        var trace = Assert.Single(exemplars);
        Assert.Equal("00000000000000000000000000000001", trace.TraceId);
        Assert.True(trace.Error);
        Assert.Equal(new Uri("https://jaeger.example.com/trace/00000000000000000000000000000001"), trace.Link);
        var requests = server.RequestsTo(Summaries);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("checkout", r.Param("query.service_name"));
            Assert.Equal("2026-11-23T10:00:00.0000000Z", r.Param("query.start_time_min"));
            Assert.Equal("2026-11-23T10:20:00.0000000Z", r.Param("query.start_time_max"));
            Assert.Equal("20", r.Param("query.num_traces"));
        });
        Assert.Contains(requests, r => r.Param("query.attributes") == "{\"error\":\"true\"}");
        Assert.Empty(server.RequestsTo(V1Traces));
    }

    [Theory]
    [InlineData(Summaries)]
    [InlineData(V3Traces)]
    public async Task TheApiV3SearchesSendTheirParametersInOneOrderWithEmptyOnesLeftOut(string route)
    {
        Serve(route, 200, SharedFixtures.Read(route == Summaries ? "backends/jaeger/v3_FindTraceSummaries.json" : "backends/jaeger/v3_FindTraces.json"));
        using var host = Host(("Api", "V3"), ("MinDuration", "00:00:00.250"));
        var alert = BackendTestHost.Alert("checkout", BackendTestHost.Window, operation: "GET /cart items");
        if (route == V3Traces)
            Serve(Summaries, 404, GoNotFound, "text/plain; charset=utf-8");

        await host.Backend("jaeger").FindExemplarsAsync(alert, CancellationToken.None);

        var queries = server.RequestsTo(route).Select(r => new Uri(r.RequestMessage.Url).Query).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "?query.service_name=checkout&query.operation_name=GET%20%2Fcart%20items&query.start_time_min=2026-11-23T10%3A00%3A00.0000000Z&query.start_time_max=2026-11-23T10%3A20%3A00.0000000Z&query.duration_min=250ms&query.num_traces=20",
                "?query.service_name=checkout&query.operation_name=GET%20%2Fcart%20items&query.start_time_min=2026-11-23T10%3A00%3A00.0000000Z&query.start_time_max=2026-11-23T10%3A20%3A00.0000000Z&query.num_traces=20&query.attributes=%7B%22error%22%3A%22true%22%7D",
            ],
            queries);
    }

    [Fact]
    public async Task FallsBackFromV3ToV1WhenTheV3RoutesAreMissingAndRemembersIt()
    {
        Serve(Summaries, 404, GoNotFound, "text/plain; charset=utf-8");
        Serve(V3Traces, 404, GoNotFound, "text/plain; charset=utf-8");
        Serve(V1Traces, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host();
        var backend = host.Backend("jaeger");

        var exemplars = await backend.FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Equal("83a9efd15c1c98a977e0711cc93ee28b", Assert.Single(exemplars).TraceId);
        var v1 = server.RequestsTo(V1Traces);
        Assert.All(v1, r =>
        {
            Assert.Equal("1795428000000000", r.Param("start"));
            Assert.Equal("1795429200000000", r.Param("end"));
            Assert.Equal("checkout", r.Param("service"));
        });
        Assert.Contains(v1, r => r.Param("tags") == "{\"error\":\"true\"}");
        Assert.Equal(JaegerBackend.SearchApi.V1, host.Inner<JaegerBackend>("jaeger").RememberedApi);

        var v3Calls = server.RequestsTo(Summaries).Count + server.RequestsTo(V3Traces).Count;
        await backend.FindExemplarsAsync(Checkout, CancellationToken.None);
        Assert.Equal(v3Calls, server.RequestsTo(Summaries).Count + server.RequestsTo(V3Traces).Count);
        Assert.Equal(4, server.RequestsTo(V1Traces).Count);
    }

    [Fact]
    public async Task FallsBackFromSummariesToV3TracesOnJaegerBefore219()
    {
        Serve(Summaries, 404, GoNotFound, "text/plain; charset=utf-8");
        Serve(V3Traces, 200, SharedFixtures.Read("backends/jaeger/v3_FindTraces.json"));
        using var host = Host();

        var trace = Assert.Single(await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal("foobar", trace.RootOperation);
        Assert.True(trace.Error);
        Assert.Empty(server.RequestsTo(V1Traces));
    }

    [Fact]
    public async Task AUiPageAnsweringAnUnknownRouteCountsAsAMissingApi()
    {
        Serve(Summaries, 200, "<!doctype html><html><head><title>Jaeger UI</title></head></html>", "text/html");
        Serve(V3Traces, 200, SharedFixtures.Read("backends/jaeger/v3_FindTraces.json"));
        using var host = Host();

        Assert.Single(await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));
        Assert.Equal(2, server.RequestsTo(V3Traces).Count);
    }

    [Fact]
    public async Task AnApiUrlWithABasePathKeepsIt()
    {
        Serve("/jaeger" + Summaries, 200, SharedFixtures.Read("backends/jaeger/v3_FindTraceSummaries.json"));
        using var host = new BackendTestHost(BackendTestHost.Settings("jaeger",
            ("Type", "Jaeger"), ("ApiUrl", server.LoopbackUrl() + "jaeger"), ("AttemptTimeout", "00:00:30")));

        var trace = Assert.Single(await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(new Uri(server.LoopbackUrl() + "jaeger/trace/00000000000000000000000000000001"), trace.Link);
    }

    [Fact]
    public async Task AnEmptyV3SearchIsNoExemplarsNotAMissingApi()
    {
        Serve(Summaries, 404, NoTracesFound, "text/plain; charset=utf-8");
        Serve(V1Traces, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host();

        var exemplars = await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Empty(exemplars);
        Assert.Empty(server.RequestsTo(V3Traces));
        Assert.Empty(server.RequestsTo(V1Traces));
    }

    [Fact]
    public async Task ApiV1SkipsApiV3Entirely()
    {
        Serve(V1Traces, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host(("Api", "V1"));

        Assert.Single(await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));
        Assert.Empty(server.RequestsTo(Summaries));
    }

    [Fact]
    public async Task ApiV3DoesNotFallBackToV1()
    {
        Serve(Summaries, 404, GoNotFound);
        Serve(V3Traces, 405, "Method Not Allowed\n");
        Serve(V1Traces, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host(("Api", "V3"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("check that ApiUrl points at jaeger-query", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.RequestsTo(V1Traces));
    }

    [Fact]
    public async Task AServerErrorIsRetriedThroughTheResiliencePipeline()
    {
        // The first request fails; every later one (the retry, and the parallel search) succeeds.
        server.FailsOnceThenServes(V1Traces, 500, "boom", SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host(("Api", "V1"));

        var exemplars = await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Single(exemplars);
        Assert.Contains(server.LogEntries, e => e.ResponseMessage.StatusCode is 500);
        // Two searches (all, errored) in parallel; at least one of them was answered 500 and tried again.
        Assert.True(server.RequestsTo(V1Traces).Count > 2);
    }

    [Fact]
    public async Task APersistentServerErrorThrowsWithoutLeakingHeaderSecrets()
    {
        Serve(V1Traces, 500, "storage unavailable");
        using var host = Host(("Api", "V1"), ("Headers:Authorization", "Bearer s3cret-token"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("/api/traces answered 500", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Equal("Bearer s3cret-token", server.RequestsTo(V1Traces)[0].RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task CancellationDuringTheSearchIsNotSwallowed()
    {
        server.Given(Request.Create().WithPath(Summaries).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(1))
                .WithBody(SharedFixtures.Read("backends/jaeger/v3_FindTraceSummaries.json")));
        using var host = Host(("AttemptTimeout", "00:00:10"));
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.Backend("jaeger").FindExemplarsAsync(Checkout, budget.Token));
    }

    [Fact]
    public async Task ACancelledBudgetSendsNothing()
    {
        using var host = Host();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.Backend("jaeger").FindExemplarsAsync(Checkout, new CancellationToken(canceled: true)));
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public async Task ASlowJaegerHitsTheAttemptTimeout()
    {
        server.Given(Request.Create().WithPath(V1Traces).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(1)).WithBody("{}"));
        using var host = Host(("Api", "V1"), ("AttemptTimeout", "00:00:00.150"));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() =>
            host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None));
    }

    [Fact]
    public async Task WithoutAServiceThereIsNoSearch()
    {
        using var host = Host();
        Assert.Empty(await host.Backend("jaeger").FindExemplarsAsync(
            BackendTestHost.Alert(null, BackendTestHost.Window), CancellationToken.None));
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public async Task ExemplarsAreCappedAtTheConfiguredCount()
    {
        const string many = """
            {"summaries":[
              {"traceId":"01","rootServiceName":"checkout","rootOperationName":"a","minStartTimeUnixNano":"1000000000000","maxEndTimeUnixNano":"1000100000000","spanCount":1,"errorSpanCount":0},
              {"traceId":"02","rootServiceName":"checkout","rootOperationName":"b","minStartTimeUnixNano":"1000000000000","maxEndTimeUnixNano":"1000900000000","spanCount":1,"errorSpanCount":0},
              {"traceId":"03","rootServiceName":"checkout","rootOperationName":"c","minStartTimeUnixNano":"1000000000000","maxEndTimeUnixNano":"1000010000000","spanCount":1,"errorSpanCount":2},
              {"traceId":"04","rootServiceName":"checkout","rootOperationName":"d","minStartTimeUnixNano":"1000000000000","maxEndTimeUnixNano":"1000500000000","spanCount":1,"errorSpanCount":0}
            ]}
            """;
        Serve(Summaries, 200, many);
        using var host = new BackendTestHost(
            BackendTestHost.Settings("jaeger", ("Type", "Jaeger"), ("ApiUrl", server.LoopbackUrl())), exemplars: 2);

        var exemplars = await host.Backend("jaeger").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Equal(["02", "03"], exemplars.Select(e => e.TraceId));
    }

    private const string TraceId = "00000000000000000000000000000001";

    [Fact]
    public async Task AWholeTraceComesFromApiV3()
    {
        Serve(V3Traces + "/" + TraceId, 200, SharedFixtures.Read("backends/jaeger/v3_GetTrace.json"));
        using var host = Host();

        var trace = await host.Backend("jaeger").GetTraceAsync(TraceId.ToUpperInvariant(), BackendTestHost.Window, CancellationToken.None);

        Assert.Equal("foobar", Assert.Single(trace!.Spans).Operation);
        Assert.Empty(server.RequestsTo(V1Traces + "/" + TraceId));
    }

    [Fact]
    public async Task AWholeTraceComesFromV1WhereApiV3IsMissing()
    {
        Serve(V3Traces + "/" + TraceId, 404, GoNotFound, "text/plain; charset=utf-8");
        Serve(V1Traces + "/" + TraceId, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host();

        var trace = await host.Backend("jaeger").GetTraceAsync(TraceId, BackendTestHost.Window, CancellationToken.None);

        Assert.Equal(2, trace!.Spans.Count);
        Assert.Equal("telemetrygen", trace.Spans[0].Service);
    }

    [Fact]
    public async Task ATraceApiV3NoLongerHasIsGoneWithoutAskingV1()
    {
        Serve(V3Traces + "/" + TraceId, 404, "{\"error\":{\"httpCode\":404,\"message\":\"trace not found\"}}");
        using var host = Host();

        Assert.Null(await host.Backend("jaeger").GetTraceAsync(TraceId, BackendTestHost.Window, CancellationToken.None));
        Assert.Empty(server.RequestsTo(V1Traces + "/" + TraceId));
    }

    [Fact]
    public async Task AnUnreadableTraceIsNoTraceAndIsLogged()
    {
        Serve(V3Traces + "/" + TraceId, 200, "{\"result\":{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"02\",\"startTimeUnixNano\":\"soon\"}]}]}]}}");
        using var host = Host();

        Assert.Null(await host.Backend("jaeger").GetTraceAsync(TraceId, BackendTestHost.Window, CancellationToken.None));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithApiV1OnlyTheTraceComesFromV1Directly()
    {
        Serve(V1Traces + "/" + TraceId, 200, SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        using var host = Host(("Api", "V1"));

        Assert.NotNull(await host.Backend("jaeger").GetTraceAsync(TraceId, BackendTestHost.Window, CancellationToken.None));
        Assert.Empty(server.RequestsTo(V3Traces + "/" + TraceId));
    }

    [Fact]
    public async Task AJaegerWithoutAnyTraceRouteFailsWithAnActionableMessage()
    {
        Serve(V3Traces + "/" + TraceId, 404, GoNotFound, "text/plain; charset=utf-8");
        Serve(V1Traces + "/" + TraceId, 200, "<!doctype html><html></html>", "text/html");
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Backend("jaeger").GetTraceAsync(TraceId, BackendTestHost.Window, CancellationToken.None));
        Assert.Contains("ApiUrl", error.Message, StringComparison.Ordinal);
    }
}
