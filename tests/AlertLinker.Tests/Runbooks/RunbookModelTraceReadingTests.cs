using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Tests.Analysis;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Runbooks;

/// <summary><c>patterns</c>, <c>backends[].gap</c> and each finding's <c>broken_context</c>, <c>retries</c>, <c>cache_misses</c>, as templates see them.</summary>
public sealed class RunbookModelTraceReadingTests
{
    private static string Render(string body, params BackendSection[] sections)
    {
        using var folder = new RunbookFolder(("t.sbn", RunbookFolder.Runbook(body)));
        var rendered = Assert.Single(RunbookTestData.Renderer(folder.Load()).Render(RunbookTestData.Alert(), sections));
        Assert.Null(rendered.Error);
        return rendered.Slack();
    }

    private static BackendSection Analysed(Trace trace) =>
        RunbookTestData.Section() with
        {
            Analyses = [new AnalyzedTrace(new TraceSummary(trace.TraceId, null, null, null, null, false, null), TraceAnalyzer.Analyze(trace))],
        };

    [Fact]
    public void PatternsCarryTheirCountsForTemplates()
    {
        var section = RunbookTestData.Section() with { Patterns = AttributePatterns.Find(AttributePatternsTests.SlowAcme()) };

        var text = Render("{{ for p in patterns }}{{ p.backend }}|{{ p.key }}={{ p.value }}|{{ p.in_outliers }}/{{ p.outliers }}|{{ p.in_others }}/{{ p.others }}|{{ p.summary }}{{ end }}", section);

        Assert.Equal("jaeger-prod|tenant.id=acme|4/4|1/8|tenant.id = acme in 4 of 4 slow traces, 1 of 8 others", text);
    }

    [Fact]
    public void TheBrokenContextOfTheKafkaTraceNamesItsTopic()
    {
        var trace = ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        var text = Render("{{ b = findings[0].broken_context[0] }}{{ b.break }}|{{ b.destination }}|{{ b.operation }}|{{ b.service }}", Analysed(trace));

        Assert.Equal("consumer_root|messages|poll|servicea", text);
    }

    [Fact]
    public void AGapCarriesTheAliasLine()
    {
        var gap = ServiceNames.Explain("jaeger-prod", "billing", "billing", ["billing-service"], "window");
        var section = RunbookTestData.Section() with { Gap = gap, Outcome = BackendOutcome.NothingFound, Exemplars = [] };

        Assert.Equal("false|billing-service|AlertLinker:Services:Aliases:billing = billing-service",
            Render("{{ g = backends[0].gap }}{{ g.service_known }}|{{ g.suggestions[0] }}|{{ g.alias_line }}", section));
    }

    [Fact]
    public void TheShippedMessagingRunbookSearchesTheProducersOfTheQueueATraceStartsAt()
    {
        var runbooks = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");
        using var folder = new RunbookFolder(("messaging.sbn", File.ReadAllText(Path.Combine(runbooks, "messaging.sbn"))),
            ("_lib.sbn", File.ReadAllText(Path.Combine(runbooks, "_lib.sbn"))));
        var trace = ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));
        var alert = RunbookTestData.Alert("KafkaConsumerLag");

        var rendered = Assert.Single(RunbookTestData.Renderer(folder.Load()).Render(alert, [Analysed(trace)]));

        Assert.Null(rendered.Error);
        Assert.Contains("starts at `messages`", rendered.Slack(), StringComparison.Ordinal);
        Assert.Contains("messaging.destination.name", rendered.Slack(), StringComparison.Ordinal);
    }
}
