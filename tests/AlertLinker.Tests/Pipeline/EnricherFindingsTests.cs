using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Operability;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Tests.Backends;
using AlertLinker.Tests.Slack;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Pipeline;

/// <summary>
/// Issue 17's "done when", through the real backends (WireMock answering in each backend's own format), the enricher
/// and the Slack message: what the slow traces share, and why nothing was found.
/// </summary>
public sealed class EnricherFindingsTests : IDisposable
{
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    private void Serve(string path, int status, string body) =>
        server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>One backend of <paramref name="type"/> named after it in lowercase, pointed at the stand-in.</summary>
    private BackendTestHost Host(string type, params (string Key, string? Value)[] extra) =>
        new(BackendTestHost.Settings(type.ToLowerInvariant(), [("Type", type), ("ApiUrl", server.LoopbackUrl()), ("AttemptTimeout", "00:00:30"), .. extra]));

    /// <summary>The one section the enricher makes of <paramref name="alert"/> with the host's one backend.</summary>
    private static async Task<BackendSection> EnrichAsync(BackendTestHost host, string type, ResolvedAlert alert) =>
        Assert.Single(await EnricherOver(host.Backend(type.ToLowerInvariant())).EnrichAsync(alert, CancellationToken.None));

    private static Enricher EnricherOver(ITraceBackend backend)
    {
        var services = new ServiceCollection();
        services.AddSingleton(backend);
        return new Enricher(new BackendDirectory(services.BuildServiceProvider()), Options.Create(new EnrichmentOptions { Budget = TimeSpan.FromSeconds(10) }),
            TimeProvider.System, TestMetrics.Create().Metrics, NullLogger<Enricher>.Instance);
    }

    private static string Message(IReadOnlyList<BackendSection> sections, string service = "checkout")
    {
        var alert = SlackTestData.Alert() with { Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["service"] = service } };
        var message = new SlackMessageBuilder().Build(SlackTestData.Notification(SlackTestData.Enriched(alert, sections, [])));
        Assert.InRange(SlackPreview.VisibleLines(message.Blocks), 1, 25);
        return SlackPreview.Render(message);
    }

    /// <summary>
    /// A Jaeger v1 <c>/api/traces</c> body in the shape of the shared fixture (<c>data[]</c> traces with <c>spans</c>,
    /// typed <c>tags</c>, <c>processes</c> with their own tags): 4 slow traces of tenant acme, 8 fast ones of which one is acme.
    /// </summary>
    private static string JaegerV1WindowOfTwelveTraces()
    {
        string[] fastTenants = ["acme", "globex", "initech", "umbrella", "globex", "initech", "umbrella", "hooli"];
        var start = BackendTestHost.Window.Start.ToUnixTimeMilliseconds() * 1000 + 60_000_000;
        var traces = Enumerable.Range(0, 12).Select(i =>
        {
            var slow = i < 4;
            var id = $"{i + 1:x32}";
            var tenant = slow ? "acme" : fastTenants[i - 4];
            long duration = slow ? 1_800_000 + i * 100_000 : 120_000 + i * 10_000;
            return new
            {
                traceID = id,
                spans = new object[]
                {
                    new
                    {
                        traceID = id, spanID = $"{i + 1:x16}", operationName = "GET /checkout", references = Array.Empty<object>(),
                        startTime = start + i * 1_000_000, duration,
                        tags = new object[]
                        {
                            new { key = "span.kind", type = "string", value = "server" },
                            new { key = "tenant.id", type = "string", value = tenant },
                            new { key = "http.route", type = "string", value = "/checkout" },
                        },
                        logs = Array.Empty<object>(), processID = "p1", warnings = (object?)null,
                    },
                },
                processes = new Dictionary<string, object>
                {
                    ["p1"] = new { serviceName = "checkout", tags = new object[] { new { key = "host.name", type = "string", value = $"node-{i % 3}" } } },
                },
                warnings = (object?)null,
            };
        });
        return JsonSerializer.Serialize(new { data = traces, total = 0, limit = 0, offset = 0, errors = (object?)null });
    }

    [Fact]
    public async Task WhenTheSlowTracesShareATenantTheFastOnesDoNotHaveTheMessageSaysSoWithCounts()
    {
        Serve("/api/traces", 200, JaegerV1WindowOfTwelveTraces());
        using var host = Host("Jaeger", ("Api", "V1"));

        AssertAcmeStandsOut(await EnrichCheckoutAsync(host, "jaeger"));
    }

    private static Task<IReadOnlyList<BackendSection>> EnrichCheckoutAsync(BackendTestHost host, string backend) =>
        EnricherOver(host.Backend(backend)).EnrichAsync(BackendTestHost.Alert("checkout", BackendTestHost.Window), CancellationToken.None);

    /// <summary>The one section says, and the message shows, that tenant acme is what the 4 slow traces of the 12 share.</summary>
    private static void AssertAcmeStandsOut(IReadOnlyList<BackendSection> sections)
    {
        var pattern = Assert.Single(Assert.Single(sections).Patterns);
        Assert.Equal("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others", pattern.Summary);
        Assert.Contains("🧩 *tenant.id = acme in 4 of 4 slow traces, 1 of 8 others*", Message(sections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenSlowAndFastTracesCarryTheSameValuesTheMessageHasNoPattern()
    {
        // The same window with every trace's tenant and route alike: nothing tells the slow ones apart.
        Serve("/api/traces", 200, JaegerV1WindowOfTwelveTraces().Replace("\"globex\"", "\"acme\"").Replace("\"initech\"", "\"acme\"")
            .Replace("\"umbrella\"", "\"acme\"").Replace("\"hooli\"", "\"acme\""));
        using var host = Host("Jaeger", ("Api", "V1"));

        var sections = await EnrichCheckoutAsync(host, "jaeger");

        Assert.Empty(Assert.Single(sections).Patterns);
        Assert.DoesNotContain("🧩", Message(sections), StringComparison.Ordinal);
    }

    /// <summary>
    /// A Tempo <c>/api/search</c> body in the shape of the shared docs example (search_traceql_response.docs.json:
    /// <c>traces[]</c> with string <c>startTimeUnixNano</c>, <c>durationMs</c>, the deprecated <c>spanSet</c> and
    /// <c>spanSets[].spans[].attributes</c>) carrying what <c>select(…)</c> adds: the span attribute <c>tenant.id</c>
    /// and the resource attributes <c>service.version</c> and <c>host.name</c>, named without their scope as Tempo
    /// does, beside the matched <c>service.name</c>: traces 0-3 slow (tenant acme), 4-11 fast, as in the Jaeger window above.
    /// </summary>
    private static string TempoSearchOf(IEnumerable<int> traces, string[]? fastTenants = null)
    {
        fastTenants ??= ["acme", "globex", "initech", "umbrella", "globex", "initech", "umbrella", "hooli"];
        var start = BackendTestHost.Window.Start.ToUnixTimeMilliseconds() * 1_000_000 + 60_000_000_000;
        static object Text(string key, string value) => new { key, value = new { stringValue = value } };
        return JsonSerializer.Serialize(new
        {
            traces = traces.Select(i =>
            {
                var slow = i < 4;
                long durationMs = slow ? 1_800 + i * 100 : 120 + i * 10;
                var spanStart = (start + i * 1_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var spanSet = new
                {
                    spans = new[]
                    {
                        new
                        {
                            spanID = $"{i + 1:x16}", startTimeUnixNano = spanStart,
                            durationNanos = (durationMs * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                            attributes = new[]
                            {
                                Text("service.name", "checkout"), Text("tenant.id", slow ? "acme" : fastTenants[i - 4]),
                                Text("service.version", "1.4.2"), Text("host.name", $"node-{i % 3}"),
                            },
                        },
                    },
                    matched = 1,
                };
                return new
                {
                    traceID = $"{i + 1:x32}", rootServiceName = "checkout", rootTraceName = "GET /checkout",
                    startTimeUnixNano = spanStart, durationMs, spanSet, spanSets = new[] { spanSet },
                };
            }),
            metrics = new { inspectedBytes = "292781", completedJobs = 1, totalJobs = 1 },
        });
    }

    /// <summary>Tempo answering the slow search with the 4 slow traces, the error search with none, the window with all 12.</summary>
    private void ServeTempoWindow(string[]? fastTenants = null)
    {
        void Search(string q, int priority, string body) =>
            server.Given(Request.Create().WithPath("/api/search").UsingGet().WithParam("q", new WireMock.Matchers.WildcardMatcher(q))).AtPriority(priority)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        Search("*duration > 500ms*", 1, TempoSearchOf(Enumerable.Range(0, 4), fastTenants));
        Search("*status = error*", 1, TempoSearchOf([]));
        Search("*", 10, TempoSearchOf(Enumerable.Range(0, 12), fastTenants));
    }

    private BackendTestHost TempoHost(IReadOnlyList<string>? businessKeys = null) =>
        new(BackendTestHost.Settings("tempo", [("Type", "Tempo"), ("ApiUrl", server.LoopbackUrl()), ("AttemptTimeout", "00:00:30"),
            ("UiUrl", "http://grafana.test/"), ("DatasourceUid", "tempo")]), businessKeys: businessKeys);

    [Fact]
    public async Task WhenTempoSlowTracesShareATenantTheMessageSaysSoWithCounts()
    {
        ServeTempoWindow();
        using var host = TempoHost();

        AssertAcmeStandsOut(await EnrichCheckoutAsync(host, "tempo"));
    }

    [Fact]
    public async Task TempoSearchesSelectTheConfiguredKeysAndReadThemBack()
    {
        ServeTempoWindow();
        using var host = TempoHost(businessKeys: ["tenant.id", "resource.service.version"]);

        var sections = await EnrichCheckoutAsync(host, "tempo");

        Assert.Equal("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others", Assert.Single(Assert.Single(sections).Patterns).Summary);
        var queries = server.RequestsTo("/api/search").Select(r => r.Param("q")).ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries, q => Assert.EndsWith(" } | select(.tenant.id, resource.service.version)", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenTempoSlowAndFastTracesCarryTheSameTenantTheMessageHasNoPattern()
    {
        ServeTempoWindow(fastTenants: [.. Enumerable.Repeat("acme", 8)]);
        using var host = TempoHost();

        var sections = await EnrichCheckoutAsync(host, "tempo");

        Assert.Equal(BackendOutcome.Found, Assert.Single(sections).Outcome);
        Assert.Empty(sections[0].Patterns);
        Assert.DoesNotContain("🧩", Message(sections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceJaegerKnowsOnlyUnderALongerNameGetsADidYouMeanWithTheAliasLine()
    {
        // api_v3's "No traces found" (jaeger http_gateway.go) and its services answer in the shape of v3_GetServices.json.
        Serve("/api/v3/trace-summaries", 404, "{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}\n");
        Serve("/api/v3/services", 200, "{\"services\":[\"billing-service\",\"checkout\",\"frontend\"]}");
        using var host = Host("Jaeger");
        var alert = BackendTestHost.Alert("billing", BackendTestHost.Window) with { ServiceLabel = "billing" };

        var section = await EnrichAsync(host, "Jaeger", alert);

        Assert.Equal(BackendOutcome.NothingFound, section.Outcome);
        Assert.Equal("AlertLinker:Services:Aliases:billing = billing-service", section.Gap!.AliasLine);
        Assert.Equal("jaeger does not know the service billing; did you mean billing-service? Add `AlertLinker:Services:Aliases:billing = billing-service`.", section.Note);
        Assert.Contains("did you mean billing-service? Add `AlertLinker:Services:Aliases:billing = billing-service`", Message([section], "billing"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheV1ServiceListIsReadInItsRealShape()
    {
        // v1 search found nothing; /api/services answers as in the shared fixture (Grafana's mock of Jaeger's handler).
        Serve("/api/traces", 200, "{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
        Serve("/api/services", 200, SharedFixtures.Read("backends/jaeger/v1_api_services_response.grafana_mock.json"));
        using var host = Host("Jaeger", ("Api", "V1"));

        var section = await EnrichAsync(host, "Jaeger", BackendTestHost.Alert("service", BackendTestHost.Window));

        Assert.Equal(["service1", "service2"], section.Gap!.Suggestions);
        Assert.StartsWith("jaeger does not know the service service; did you mean service1 (or service2)?", section.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceZipkinKnowsWithNoTraceInTheWindowIsNotRenamedButExplained()
    {
        Serve("/api/v2/traces", 200, "[]");
        Serve("/api/v2/services", 200, "[\"checkout\",\"frontend\"]");
        using var host = Host("Zipkin");

        var section = await EnrichAsync(host, "Zipkin", BackendTestHost.Alert("checkout", BackendTestHost.Window));

        Assert.True(section.Gap!.ServiceKnown);
        Assert.Null(section.Gap.AliasLine);
        Assert.StartsWith("zipkin knows checkout but has no trace of it in", section.Note, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", section.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TempoTagValuesNameTheCloseService()
    {
        Serve("/api/search", 200, "{\"traces\":[],\"metrics\":{\"inspectedBytes\":\"0\"}}");
        // The docs example of GET /api/v2/search/tag/.service.name/values (Tempo api_docs), with other names.
        Serve("/api/v2/search/tag/resource.service.name/values", 200,
            "{\"tagValues\":[{\"type\":\"string\",\"value\":\"customer\"},{\"type\":\"string\",\"value\":\"inventory-service\"},{\"type\":\"string\",\"value\":\"frontend\"}]}");
        using var host = Host("Tempo", ("UiUrl", "http://grafana.test/"), ("DatasourceUid", "tempo"));

        var section = await EnrichAsync(host, "Tempo", BackendTestHost.Alert("inventory", BackendTestHost.Window));

        Assert.Equal(["inventory-service"], section.Gap!.Suggestions);
        Assert.Equal("AlertLinker:Services:Aliases:inventory = inventory-service", section.Gap.AliasLine);
    }

    [Fact]
    public async Task ABackendWithoutAServiceListKeepsTheGenericNote()
    {
        Serve("/api/v2/traces", 200, "[]");
        Serve("/api/v2/services", 404, "{}");
        using var host = Host("Zipkin");

        var section = await EnrichAsync(host, "Zipkin", BackendTestHost.Alert("checkout", BackendTestHost.Window));

        Assert.Null(section.Gap);
        Assert.Contains("sampling or retention may have dropped them", section.Note, StringComparison.Ordinal);
    }
}
