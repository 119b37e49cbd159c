using AlertLinker.Backends.Datadog;
using AlertLinker.Tests.TestSupport;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Datadog;

public sealed class DatadogBackendTests : IDisposable
{
    private const string Search = "/api/v2/spans/events/search";
    private const string ApiKey = "dd-api-secret-123";
    private const string AppKey = "dd-app-secret-456";
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    private BackendTestHost Host(params (string Key, string? Value)[] extra) =>
        new(BackendTestHost.Settings("datadog",
            [("Type", "Datadog"), ("ApiUrl", server.LoopbackUrl()), ("ApiKey", ApiKey), ("AppKey", AppKey), ("Env", "prod"), ("AttemptTimeout", "00:00:30"), .. extra]));

    private static ResolvedAlert Checkout => BackendTestHost.Alert("checkout", BackendTestHost.Window);

    private void Serve(string bodyFragment, string fixtureOrBody, int status = 200, int priority = 5)
    {
        var body = fixtureOrBody.StartsWith("backends/", StringComparison.Ordinal) ? SharedFixtures.Read(fixtureOrBody) : fixtureOrBody;
        server.Given(Request.Create().WithPath(Search).UsingPost().WithBody(new WildcardMatcher("*" + bodyFragment + "*")))
            .AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    [Fact]
    public async Task SlowAndErroredSpansAreSearchedOverTheWindowWithTheKeysAsHeaders()
    {
        Serve("status:error", "backends/datadog/spans_search_pagination_page1_response.cassette.json", priority: 1);
        Serve("@duration", "backends/datadog/spans_search_response.cassette.json");
        using var host = Host();

        var exemplars = await host.Backend("datadog").FindExemplarsAsync(Checkout, CancellationToken.None);

        // Slowest span (5.08 ms), then the slowest errored one, then the next slowest.
        Assert.Equal(["9803068093656868865", "10072306532714635001", "17478897124928621820"], exemplars.Select(e => e.TraceId));
        Assert.True(exemplars[1].Error);
        Assert.StartsWith("https://app.datadoghq.com/apm/trace/9803068093656868865?timeHint=", exemplars[0].Link!.AbsoluteUri, StringComparison.Ordinal);
        var requests = server.RequestsTo(Search);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal(ApiKey, r.RequestMessage.Headers!["DD-API-KEY"].Single());
            Assert.Equal(AppKey, r.RequestMessage.Headers!["DD-APPLICATION-KEY"].Single());
            using var body = System.Text.Json.JsonDocument.Parse(r.RequestMessage.Body!);
            var attributes = body.RootElement.GetProperty("data").GetProperty("attributes");
            Assert.Equal("search_request", body.RootElement.GetProperty("data").GetProperty("type").GetString());
            Assert.Equal("1795428000000", attributes.GetProperty("filter").GetProperty("from").GetString());
            Assert.Equal("1795429200000", attributes.GetProperty("filter").GetProperty("to").GetString());
            Assert.Equal("-timestamp", attributes.GetProperty("sort").GetString());
            Assert.Equal(50, attributes.GetProperty("page").GetProperty("limit").GetInt32());
            Assert.False(attributes.GetProperty("page").TryGetProperty("cursor", out _));
        });
        Assert.Equal(["service:checkout env:prod @duration:>500000000", "service:checkout env:prod status:error"], requests.Select(QueryOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFullTraceFollowsTheCursorUntilAnEmptyPage()
    {
        var cursor2 = Cursor("backends/datadog/spans_search_pagination_page2_request.cassette.json");
        var cursor3 = Cursor("backends/datadog/spans_search_pagination_page3_request.cassette.json");
        Serve(cursor2, "backends/datadog/spans_search_pagination_page2_response.cassette.json", priority: 1);
        Serve(cursor3, "backends/datadog/spans_search_pagination_page3_response.cassette.json", priority: 1);
        Serve("trace_id:", "backends/datadog/spans_search_pagination_page1_response.cassette.json", priority: 5);
        using var host = Host(("MaxTracePages", "5"));

        var trace = await host.Backend("datadog").GetTraceAsync("1376633447483012831", BackendTestHost.Window, CancellationToken.None);

        Assert.NotNull(trace);
        Assert.Equal(3, trace.Spans.Count);
        var requests = server.RequestsTo(Search);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal("trace_id:1376633447483012831", QueryOf(r)));
        Assert.All(requests, r => Assert.Contains("\"limit\":1000", r.RequestMessage.Body!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFullTraceStopsAtMaxTracePagesToSpareTheRateLimit()
    {
        Serve(Cursor("backends/datadog/spans_search_pagination_page2_request.cassette.json"), "backends/datadog/spans_search_pagination_page2_response.cassette.json", priority: 1);
        Serve("trace_id:", "backends/datadog/spans_search_pagination_page1_response.cassette.json", priority: 5);
        using var host = Host(("MaxTracePages", "2"));

        var trace = await host.Backend("datadog").GetTraceAsync("1376633447483012831", BackendTestHost.Window, CancellationToken.None);

        Assert.Equal(3, trace!.Spans.Count);
        Assert.Equal(2, server.RequestsTo(Search).Count);
    }

    [Fact]
    public async Task AHexTraceIdIsSearchedAsItsDecimalLowerHalf()
    {
        Serve("trace_id:", "backends/datadog/spans_search_pagination_page3_response.cassette.json");
        using var host = Host();

        var trace = await host.Backend("datadog").GetTraceAsync("0000000000000000131a8f4b0b7e3d5f", BackendTestHost.Window, CancellationToken.None);

        Assert.Null(trace);
        Assert.Equal("trace_id:1376570188593249631", QueryOf(Assert.Single(server.RequestsTo(Search))));
    }

    [Fact]
    public async Task ARejectedQueryFailsWithDatadogsDetailAndNoSecrets()
    {
        Serve("service:", "backends/datadog/spans_search_422_response.cassette.json", status: 422);
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("datadog").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Contains("rejected the query (422): invalid_argument(Field 'filter.from,to' is invalid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AppKey, error.Message, StringComparison.Ordinal);
        Assert.All(host.Logs.GetSnapshot(), l => Assert.DoesNotContain(ApiKey, l.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRateLimitIsAClearFailure()
    {
        server.Given(Request.Create().WithPath(Search).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("X-RateLimit-Reset", "1200")
                .WithBody("{\"errors\":[\"Too many requests\"]}"));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("datadog").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Contains("rate limited (429; about 300 span searches an hour are allowed); resets in 1200 s", error.Message, StringComparison.Ordinal);
        // Not retried: a retry would only spend the hour's quota. One search each for slow and errored spans.
        Assert.Equal(2, server.RequestsTo(Search).Count);
    }

    [Fact]
    public async Task AServerErrorIsNotRetriedBecauseTheSearchIsAPost()
    {
        server.Given(Request.Create().WithPath(Search).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("{\"errors\":[\"Service Unavailable\"]}"));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("datadog").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, error.StatusCode);
        // A POST that failed may still have counted against the hour's quota: one search each for slow and errored spans.
        Assert.Equal(2, server.RequestsTo(Search).Count);
    }

    [Fact]
    public async Task AProxysEmptyArrayWithAnErrorStatusIsAClearFailure()
    {
        Serve("", "[]", status: 502);
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("datadog").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("answered 502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowAnswerIsCancelledByTheBudget()
    {
        server.Given(Request.Create().WithPath(Search).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)).WithBody("{\"data\":[]}"));
        using var host = Host();
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // The backend itself, not the cache wrapper (whose wait ends with the caller's token whatever the backend does):
        // without cancellation the empty answer would arrive after 2 s and no exception would be thrown.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Inner<DatadogBackend>("datadog").FindExemplarsAsync(Checkout, budget.Token));
    }

    [Fact]
    public void LinksNeedNoRequest()
    {
        using var host = Host();

        var links = host.Backend("datadog").BuildLinks(Checkout);

        Assert.Equal(2, links.Count);
        Assert.Contains("status%3Aerror", links[1].Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Empty(server.LogEntries);
    }

    private static string QueryOf(WireMock.Logging.ILogEntry request)
    {
        using var body = System.Text.Json.JsonDocument.Parse(request.RequestMessage.Body!);
        return body.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("filter").GetProperty("query").GetString()!;
    }

    private static string Cursor(string requestFixture)
    {
        using var document = System.Text.Json.JsonDocument.Parse(SharedFixtures.Read(requestFixture));
        return document.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("page").GetProperty("cursor").GetString()!;
    }
}
