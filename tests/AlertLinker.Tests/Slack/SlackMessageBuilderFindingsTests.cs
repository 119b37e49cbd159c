using AlertLinker.Analysis;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Slack;
using AlertLinker.Tests.Analysis;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Slack;

/// <summary>The findings of issue 17 in the message (at most two, compact) and in the thread reply (all of them).</summary>
public sealed class SlackMessageBuilderFindingsTests
{
    private static BackendSection JaegerWith(Trace analysed, IReadOnlyList<SharedAttribute>? patterns = null)
    {
        var jaeger = SlackTestData.Jaeger();
        var exemplar = jaeger.Exemplars[0] with { TraceId = analysed.TraceId };
        return jaeger with
        {
            Exemplars = [exemplar, .. jaeger.Exemplars.Skip(1)],
            Analyses = [new AnalyzedTrace(exemplar, TraceAnalyzer.Analyze(analysed))],
            Patterns = patterns ?? [],
        };
    }

    private static SlackMessage Build(params BackendSection[] sections) =>
        new SlackMessageBuilder().Build(SlackTestData.Notification(SlackTestData.Enriched(SlackTestData.Alert(), sections, [SlackTestData.Runbook()])));

    [Fact]
    public void ATraceStartingAtAQueueIsSaidInTheMessageWithItsTopicAndTheMessageStaysOnOneScreen()
    {
        var kafka = ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        var message = Build(JaegerWith(kafka, AttributePatterns.Find(AttributePatternsTests.SlowAcme())));
        var text = SlackPreview.Render(message);

        Assert.Contains("🧩 *tenant.id = acme in 4 of 4 slow traces, 1 of 8 others*", text, StringComparison.Ordinal);
        Assert.True(text.Contains("🔗 broken context: the trace starts at the queue messages: poll (servicea) has no parent", StringComparison.Ordinal), text);
        // The shared tenant and the strongest trace finding: two new lines, not every break of the trace.
        Assert.DoesNotContain("the trace ends at the queue", text, StringComparison.Ordinal);
        Assert.InRange(SlackPreview.VisibleLines(message.Blocks), 1, 25);
    }

    [Fact]
    public void TheThreadReplyListsWhatTheSlowTracesShareAndEveryNewFinding()
    {
        var kafka = ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        var detail = SlackPreview.Render(Build(JaegerWith(kafka, AttributePatterns.Find(AttributePatternsTests.SlowAcme()))).Detail!);

        Assert.Contains("🧩 What the slow or failing traces share", detail, StringComparison.Ordinal);
        Assert.Contains("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others (jaeger)", detail, StringComparison.Ordinal);
        Assert.Contains("🔗 broken context: the trace ends at the queue central.messages", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ATraceWithNothingNewAddsNoLineToTheMessage()
    {
        var text = SlackPreview.Render(Build(JaegerWith(TraceBuilder.Seed())));

        Assert.DoesNotContain("🧩", text, StringComparison.Ordinal);
        Assert.DoesNotContain("🔗", text, StringComparison.Ordinal);
        Assert.DoesNotContain("♻️", text, StringComparison.Ordinal);
    }
}
