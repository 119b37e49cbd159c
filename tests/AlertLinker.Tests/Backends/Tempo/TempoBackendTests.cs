using AlertLinker.Tests.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TempoBackendTests : IDisposable
{
    private const string Search = "/api/search";
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    /// <summary>What every search gains with the default business keys: the only change to the queries.</summary>
    private const string DefaultSelect = " | select(.tenant.id, .customer.id, .user.id, .order.id, .region, .cloud.region, .service.version, "
        + ".deployment.environment, .k8s.pod.name, .host.name, .http.route, .db.statement)";

    private BackendTestHost Host(int exemplars = 3, IReadOnlyList<string>? businessKeys = null, params (string Key, string? Value)[] extra) =>
        new(BackendTestHost.Settings("tempo",
            [("Type", "Tempo"), ("ApiUrl", server.LoopbackUrl()), ("UiUrl", "https://grafana.example.com/"), ("DatasourceUid", "tempo-uid"), ("AttemptTimeout", "00:00:30"), .. extra]),
            exemplars, businessKeys: businessKeys);

    private void ServeSearch(string traceQlFragment, string body, int status = 200) =>
        server.Given(Request.Create().WithPath(Search).UsingGet().WithParam("q", new WireMock.Matchers.WildcardMatcher("*" + traceQlFragment + "*")))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private static ResolvedAlert Checkout => BackendTestHost.Alert("checkout", BackendTestHost.Window);

    [Fact]
    public async Task SlowAndErroredSearchesRunOverTheWindowInUnixSeconds()
    {
        ServeSearch("duration > 500ms", SharedFixtures.Read("backends/tempo/search_tags_response.docs.json"));
        ServeSearch("status = error", SharedFixtures.Read("backends/tempo/search_traceql_response.docs.json"));
        ServeSearch("\"checkout\" } |", "{\"traces\":[],\"metrics\":{}}");
        using var host = Host(extra: [("Tenant", "team-a")]);

        var exemplars = await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        // The errored 10s trace is the slowest too; then the 611ms ones.
        Assert.Equal(["5b8efff798038103d269b633813fc700", "d6e9329d67b6146a", "1b1ba462b409200d"], exemplars.Select(e => e.TraceId));
        Assert.True(exemplars[0].Error);
        Assert.Contains("5b8efff798038103d269b633813fc700", exemplars[0].Link!.Query, StringComparison.Ordinal);
        var requests = server.RequestsTo(Search);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("1795428000", r.Param("start"));
            Assert.Equal("1795429200", r.Param("end"));
            Assert.Equal("20", r.Param("limit"));
            Assert.Equal("3", r.Param("spss"));
            Assert.Equal("team-a", r.RequestMessage.Headers!["X-Scope-OrgID"].Single());
        });
        // The queries of before, each with the select of the default keys, and the window's ordinary traces beside them.
        Assert.Equal(
            [
                "{ resource.service.name = \"checkout\" && duration > 500ms }" + DefaultSelect,
                "{ resource.service.name = \"checkout\" && status = error }" + DefaultSelect,
                "{ resource.service.name = \"checkout\" }" + DefaultSelect,
            ],
            requests.Select(r => r.Param("q")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WithSelectBusinessKeysOffTheSearchesAreTheTwoOfBeforeUnchanged()
    {
        ServeSearch("duration > 500ms", SharedFixtures.Read("backends/tempo/search_tags_response.docs.json"));
        ServeSearch("status = error", SharedFixtures.Read("backends/tempo/search_traceql_response.docs.json"));
        using var host = Host(extra: [("SelectBusinessKeys", "false")]);

        var exemplars = await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Equal(3, exemplars.Count);
        Assert.IsNotType<ExemplarList>(exemplars);
        Assert.Equal(
            ["{ resource.service.name = \"checkout\" && duration > 500ms }", "{ resource.service.name = \"checkout\" && status = error }"],
            server.RequestsTo(Search).Select(r => r.Param("q")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EverySearchSelectsTheConfiguredKeys()
    {
        ServeSearch("checkout", "{\"traces\":[],\"metrics\":{}}");
        using var host = Host(businessKeys: ["tenant.id", "resource.service.version", "span.http.route"]);

        await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        var queries = server.RequestsTo(Search).Select(r => r.Param("q")).ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries, q => Assert.EndsWith(" } | select(.tenant.id, resource.service.version, span.http.route)", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutATenantNoOrgHeaderIsSent()
    {
        ServeSearch("checkout", "{\"traces\":[],\"metrics\":{}}");
        using var host = Host();

        await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.All(server.LogEntries, e => Assert.False(e.RequestMessage.Headers!.ContainsKey("X-Scope-OrgID")));
    }

    [Fact]
    public async Task NothingAboveTheThresholdFallsBackToTheWindowsTraces()
    {
        ServeSearch("duration >", "{\"traces\":[],\"metrics\":{}}");
        ServeSearch("status = error", "{\"traces\":[],\"metrics\":{}}");
        server.Given(Request.Create().WithPath(Search).UsingGet().WithParam("q", "{ resource.service.name = \"checkout\" }" + DefaultSelect))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(SharedFixtures.Read("backends/tempo/search_tags_response.docs.json")));
        using var host = Host();

        var exemplars = await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        // The window's search ran beside the other two (for the comparison) and is reused, not asked a second time.
        Assert.True(3 == server.RequestsTo(Search).Count, string.Join("\n", server.LogEntries.Select(e => e.RequestMessage.RawQuery + " -> " + e.ResponseMessage.StatusCode)));
        Assert.Equal(2, exemplars.Count);
    }

    [Fact]
    public async Task AnEmptyWindowIsNoExemplars()
    {
        server.Given(Request.Create().WithPath(Search).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"traces\":[],\"metrics\":{\"inspectedBytes\":\"0\"}}"));
        using var host = Host();

        Assert.Empty(await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None));
    }

    [Fact]
    public async Task AServerErrorIsRetriedThenTheSearchSucceeds()
    {
        // The first request fails, later ones (its retry, the parallel search) succeed.
        server.FailsOnceThenServes(Search, 503, "tempo querier unavailable", SharedFixtures.Read("backends/tempo/search_traceql_response.docs.json"));
        using var host = Host();

        var exemplars = await host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None);

        Assert.Equal("5b8efff798038103d269b633813fc700", Assert.Single(exemplars).TraceId);
        Assert.Contains(server.LogEntries, e => e.ResponseMessage.StatusCode is 503);
    }

    [Fact]
    public async Task ABadQueryAnswerBecomesAnErrorNamingTheRoute()
    {
        server.Given(Request.Create().WithPath(Search).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("invalid TraceQL query: parse error"));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Backend("tempo").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("tempo: /api/search answered 400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationIsNotSwallowed()
    {
        server.Given(Request.Create().WithPath(Search).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(1)).WithBody("{\"traces\":[]}"));
        using var host = Host(extra: [("AttemptTimeout", "00:00:10")]);
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.Backend("tempo").FindExemplarsAsync(Checkout, budget.Token));
    }

    [Theory]
    [InlineData("backends/tempo/trace_by_id_v1_batches_shape.json", 1)]
    [InlineData("backends/tempo/trace_by_id_v2_response.docs.json", 1)]
    [InlineData("backends/tempo/trace_otlp_jsonpb_vulture.json", 6)]
    public async Task AWholeTraceIsFetchedByHexIdWithTheTenant(string fixture, int spans)
    {
        const string id = "5b8efff798038103d269b633813fc700";
        server.Given(Request.Create().WithPath("/api/traces/" + id).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(SharedFixtures.Read(fixture)));
        using var host = Host(extra: [("Tenant", "team-a")]);

        var trace = await host.Backend("tempo").GetTraceAsync(id, BackendTestHost.Window, CancellationToken.None);

        Assert.Equal(spans, trace!.Spans.Count);
        Assert.All(trace.Spans, s => Assert.Matches("^[0-9a-f]+$", s.SpanId));
        Assert.Equal("team-a", server.RequestsTo("/api/traces/" + id).Single().RequestMessage.Headers!["X-Scope-OrgID"].Single());
    }

    [Fact]
    public async Task ATraceTempoNoLongerHasIsNull()
    {
        server.Given(Request.Create().WithPath("/api/traces/0af7651916cd43dd8448eb211c80319c").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("trace not found"));
        using var host = Host();

        Assert.Null(await host.Backend("tempo").GetTraceAsync("0af7651916cd43dd8448eb211c80319c", BackendTestHost.Window, CancellationToken.None));
    }

    [Fact]
    public async Task ATempoFailureWhileFetchingATraceThrowsWithoutTheHost()
    {
        server.Given(Request.Create().WithPath("/api/traces/0af7651916cd43dd8448eb211c80319c").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("invalid trace id"));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Backend("tempo").GetTraceAsync("0af7651916cd43dd8448eb211c80319c", BackendTestHost.Window, CancellationToken.None));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
    }
}
