using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Runbooks;
using AlertLinker.Tests.Analysis;
using AlertLinker.Tests.Backends;
using AlertLinker.Tests.TestSupport;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Xunit.Abstractions;

namespace AlertLinker.Tests.Runbooks;

/// <summary>
/// The runbooks shipped in templates/runbooks, rendered from the repo's files with the real Jaeger and Tempo link
/// builders: each matches its alerts and turns into concrete, clickable queries for every configured backend.
/// </summary>
public sealed class TemplateLibraryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Folder = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");

    private readonly BackendTestHost host = new(TestSettings.Of(TestSettings.Jaeger("http://127.0.0.1:1/"), new Dictionary<string, string?>
    {
        ["AlertLinker:Backends:tempo:Type"] = "Tempo",
        ["AlertLinker:Backends:tempo:ApiUrl"] = "http://127.0.0.1:1/",
        ["AlertLinker:Backends:tempo:UiUrl"] = "http://grafana.test/",
        ["AlertLinker:Backends:tempo:DatasourceUid"] = "tempo-uid",
    }));

    public void Dispose() => host.Dispose();

    private static RunbookLibrary Library()
    {
        var errors = new List<string>();
        var library = RunbookLoader.Load(Folder, errors);
        Assert.Empty(errors);
        return library;
    }

    private RenderedRunbook Render(string runbook, string alertname, IReadOnlyList<BackendSection>? sections = null, string? service = "checkout", params (string Key, string Value)[] labels)
    {
        var all = new Dictionary<string, string> { ["alertname"] = alertname, ["severity"] = "critical" };
        foreach (var (key, value) in labels)
            all[key] = value;
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(host.Backend("jaeger"), host.Backend("tempo")));

        var rendered = renderer.Render(RunbookTestData.Alert(name: alertname, service: service, labels: all), sections ?? []);

        var result = Assert.Single(rendered, r => r.Name == runbook);
        output.WriteLine(result.Text);
        Assert.True(result.Error is null, result.Error);
        Assert.DoesNotContain("\n\n\n", result.Text, StringComparison.Ordinal);
        // Within the render cap with two backends: nothing cut, no note (Tempo's Explore links alone are ~1000 characters).
        Assert.True(result.Text.Length <= new RunbookOptions().MaxOutputChars, $"{runbook}: {result.Text.Length} characters");
        return result;
    }

    /// <summary>A Jaeger search link with exactly these tags, and a Grafana Explore link whose TraceQL holds the fragment.</summary>
    private static void AssertLinksInEveryBackend(string text, string jaegerTags, string traceQlFragment)
    {
        var jaeger = Links(text, "http://jaeger-ui.test/search").ToList();
        var tempo = Links(text, "http://grafana.test/explore").ToList();
        Assert.NotEmpty(jaeger);
        Assert.NotEmpty(tempo);
        Assert.Contains(jaegerTags, jaeger.Where(link => Query(link)["service"] == "checkout").Select(link => Query(link)["tags"] ?? ""));
        var queries = tempo.Select(link => JsonDocument.Parse(Query(link)["panes"]!).RootElement.GetProperty("alk").GetProperty("queries")[0].GetProperty("query").GetString()!).ToList();
        Assert.Contains(queries, query => query.StartsWith("{ resource.service.name = \"checkout\"", StringComparison.Ordinal) && query.Contains(traceQlFragment, StringComparison.Ordinal));
    }

    /// <summary>The targets of the Slack links (<c>&lt;url|label&gt;</c>) in the text that start with <paramref name="prefix"/>.</summary>
    private static IEnumerable<Uri> Links(string text, string prefix) =>
        Regex.Matches(text, "<(http[^|>]+)\\|").Select(m => m.Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal))
            .Where(url => url.StartsWith(prefix, StringComparison.Ordinal))
            .Select(url => new Uri(url));

    private static System.Collections.Specialized.NameValueCollection Query(Uri link) => HttpUtility.ParseQueryString(link.Query);

    [Fact]
    public void EveryShippedTemplatePassesTheCliCheck()
    {
        using var writer = new StringWriter();

        var exit = RunbookTemplateCheck.Run(Folder, AlertLinker.Cli.SampleAlerts.BuiltIn(), writer);

        Assert.True(exit == 0, writer.ToString());
        Assert.Contains("7 runbooks and 1 partials OK", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DatabaseQueries()
    {
        var text = Render("database-saturation", "PostgresConnectionPoolSaturated").Slack();

        AssertLinksInEveryBackend(text, """{"db.system":"postgresql"}""", """.db.system = "postgresql" && duration > 500ms""");
        Assert.Contains("`{ resource.service.name = \"checkout\" &amp;&amp; .db.system = \"postgresql\" &amp;&amp; status = error }`", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalApiCallsToThePeerTheAlertNames()
    {
        var text = Render("external-api", "UpstreamPaymentsErrors", labels: [("peer_service", "payments-api"), ("code", "503")]).Slack();

        AssertLinksInEveryBackend(text, """{"error":"true","http.response.status_code":"503","peer.service":"payments-api"}""",
            """.http.response.status_code = 503 && .peer.service = "payments-api" && status = error""");
        Assert.Contains("tags=" + Uri.EscapeDataString("""{"server.address":"payments-api"}"""), text, StringComparison.Ordinal);
        Assert.Contains("minDuration=1s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageQueuePublishAndConsumeAcrossTheQueue()
    {
        var text = Render("messaging", "KafkaConsumerLagHigh", labels: [("topic", "orders"), ("messaging_system", "kafka"), ("consumer_service", "fulfilment")]).Slack();

        AssertLinksInEveryBackend(text, """{"messaging.destination.name":"orders","messaging.system":"kafka"}""",
            """.messaging.destination.name = "orders" && .messaging.system = "kafka" """.TrimEnd());
        Assert.Contains("<http://jaeger-ui.test/search?service=fulfilment&amp;", text, StringComparison.Ordinal);
        Assert.Contains("&gt;&gt; { kind = consumer }`", text, StringComparison.Ordinal);
        Assert.Contains("producer", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CronJobsAndBackgroundWorkersByTheirOperation()
    {
        var text = Render("background-jobs", "CronJobFailed", labels: [("cronjob", "nightly-invoices"), ("task", "invoices.generate")]).Slack();

        AssertLinksInEveryBackend(text, """{"error":"true","k8s.cronjob.name":"nightly-invoices"}""",
            """name = "invoices.generate" && .k8s.cronjob.name = "nightly-invoices" && status = error""");
        Assert.Contains("operation=invoices.generate", text, StringComparison.Ordinal);
        Assert.Contains("minDuration=1m", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RedisCacheHitRatioLow", "redis")]
    [InlineData("MemcachedMissesHigh", "memcached")]
    public void CacheHitsAndMissesOfTheRightCache(string alertname, string system)
    {
        var text = Render("cache", alertname).Slack();

        AssertLinksInEveryBackend(text, $$"""{"cache.hit":"false","db.system":"{{system}}"}""", $$""".cache.hit = false && .db.system = "{{system}}" """.TrimEnd());
        Assert.Contains("minDuration=50ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LatencySearchesTheSpanTheSlowestExemplarBlames()
    {
        var seed = TraceBuilder.Seed();
        var section = RunbookTestData.Section("jaeger", "Jaeger") with
        {
            Analyses = [new AnalyzedTrace(new TraceSummary(seed.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, new Uri("http://jaeger-ui.test/trace/" + seed.TraceId)), TraceAnalyzer.Analyze(seed))],
        };

        var text = Render("latency", "HighRequestLatency", [section]).Slack();

        Assert.Contains(Links(text, "http://jaeger-ui.test/search"), link => Query(link)["minDuration"] == "1s" && Query(link)["tags"] is null);
        AssertLinksInEveryBackend(text, "", "duration > 1s");
        Assert.Contains("<http://jaeger-ui.test/search?service=inventory-service&amp;operation=SELECT%20stock&amp;", text, StringComparison.Ordinal);
        Assert.Contains("minDuration=394ms", text, StringComparison.Ordinal);
        Assert.Contains("98 % of it", text, StringComparison.Ordinal);
        Assert.Contains("SELECT stock (inventory-service) — 788 ms, 98 % of 800 ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LatencySearchesTheNPlusOneAndNotTheHandlerAboveIt()
    {
        var decoy = TraceBuilder.DecoyNPlusOne();
        var section = RunbookTestData.Section("jaeger", "Jaeger") with
        {
            Analyses = [new AnalyzedTrace(new TraceSummary(decoy.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(812), false, new Uri("http://jaeger-ui.test/trace/" + decoy.TraceId)), TraceAnalyzer.Analyze(decoy))],
        };

        var text = Render("latency", "HighRequestLatency", [section]).Slack();

        Assert.Contains("3. What the slowest exemplar blames, 30 × SELECT price FROM items WHERE id = ? in inventory-service (92 % of it), in all traces:", text, StringComparison.Ordinal);
        Assert.Contains("<http://jaeger-ui.test/search?service=inventory-service&amp;operation=SELECT%20items&amp;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("operation=GET%20%2Fstock", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorRateSearchesFailedTracesAndTheStatusCode()
    {
        var text = Render("error-rate", "CheckoutErrorRateHigh", labels: [("status_code", "500")]).Slack();

        AssertLinksInEveryBackend(text, """{"http.response.status_code":"500"}""", "status = error");
        Assert.Contains("`{ resource.service.name = \"checkout\" &amp;&amp; .http.response.status_code = 500 }`", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("database-saturation", "PostgresConnectionPoolSaturated")]
    [InlineData("external-api", "UpstreamPaymentsErrors")]
    [InlineData("messaging", "KafkaConsumerLagHigh")]
    [InlineData("background-jobs", "CronJobFailed")]
    [InlineData("cache", "RedisCacheHitRatioLow")]
    [InlineData("latency", "HighRequestLatency")]
    [InlineData("error-rate", "CheckoutErrorRateHigh")]
    public void WithoutAServiceEachSaysSoAndLinksNothing(string runbook, string alertname)
    {
        var text = Render(runbook, alertname, service: null).Slack();

        Assert.Contains("names no service", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<http", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HighRequestLatency", "latency")]
    [InlineData("CheckoutErrorRateHigh", "error-rate")]
    [InlineData("KafkaConsumerLagHigh", "messaging")]
    [InlineData("CronJobFailed", "background-jobs")]
    [InlineData("RedisCacheHitRatioLow", "cache")]
    [InlineData("UpstreamPaymentsErrors", "external-api")]
    [InlineData("DiskFull", null)]
    public void MatchersPickTheRunbooksForAnAlertName(string alertname, string? expected)
    {
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(host.Backend("jaeger")));

        var names = renderer.Render(RunbookTestData.Alert(name: alertname, labels: new Dictionary<string, string> { ["alertname"] = alertname }), []).Select(r => r.Name).ToList();

        if (expected is null)
            Assert.Empty(names);
        else
            Assert.Contains(expected, names);
    }

    [Fact]
    public void ARunbookLabelPicksARunbookWhateverTheName()
    {
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(host.Backend("jaeger")));
        var labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["runbook"] = "cache" };

        var rendered = renderer.Render(RunbookTestData.Alert(name: "DiskFull", labels: labels), []);

        Assert.Equal("cache", Assert.Single(rendered).Name);
    }
}
