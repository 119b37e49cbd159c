using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Analysis;

/// <summary>
/// The analysis on real traces: Zipkin v2 bodies of <c>GET /api/v2/trace/{id}</c> from openzipkin's own test data,
/// read through the Zipkin backend's parser.
/// </summary>
public sealed class ZipkinFixtureTests
{
    [Fact]
    public void TheKafkaTraceNamesTheEarliestDeepestFailedConsumerAsTheOrigin()
    {
        var insights = TraceAnalyzer.Analyze(ReadZipkin("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        var origin = insights.ErrorOrigin!;
        Assert.Equal("2f77d5b0b8e0de35", origin.Span.SpanId);
        Assert.Equal(("serviceb", "on-message"), (origin.Span.Service, origin.Span.Operation));
        Assert.Equal("some error", origin.Message);
        Assert.Equal(3, origin.ErroredSpans); // "error": "" counts too: in Zipkin the tag's presence is the error
        Assert.Equal(1, origin.ChainLength);
        Assert.Equal((28, 1, 0), (insights.SpanCount, insights.Roots, insights.Orphans));
        Assert.Contains("serviceb on-message [310µs] ✗ ← error origin", insights.Waterfall, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKafkaTraceBlamesTheFirstMessageHandler()
    {
        var insights = TraceAnalyzer.Analyze(ReadZipkin("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        // The root poll lasts 26 µs; its three on-message handlers run for 172–252 ms after it: asynchronous work, not
        // skew, so they keep their times and the trace runs 649 ms, to the end of the last handler.
        Assert.Equal(TimeSpan.FromTicks(6_490_650), insights.Duration);
        Assert.Equal("09fdf808ef0d60c0", insights.Culprit!.Span.SpanId);
        Assert.Equal("on-message (servicea) — 250 ms itself (of 252 ms), 38 % of 649 ms", insights.Culprit.Summary);
    }

    [Fact]
    public void TheSkewedTraceWithSharedSpanIdsIsAnalysed()
    {
        var insights = TraceAnalyzer.Analyze(ReadZipkin("backends/zipkin/trace_by_id_skew.json"));

        Assert.Equal((4, 1), (insights.SpanCount, insights.Roots));
        // servicea's client call finished last, so the root waited on it; the server half (same id, skewed clock)
        // ends earlier and is off the critical path.
        Assert.Equal(("74280ae0c10d8062", "servicea", "client"), (insights.Culprit!.Span.SpanId, insights.Culprit.Span.Service, insights.Culprit.Span.Kind));
        Assert.InRange(insights.Culprit.Share, 0, 1);
        TraceAnalyzerTests.AssertBounded(insights.Waterfall, new AnalysisOptions());
    }

    [Fact]
    public void TheYelpTraceStartsItsWaterfallAtTheRoutingRoot()
    {
        var insights = TraceAnalyzer.Analyze(ReadZipkin("backends/zipkin/trace_by_id_yelp.json"));

        Assert.Equal((16, 1), (insights.SpanCount, insights.Roots));
        Assert.StartsWith("routing post /location/update/v4 [132ms]", insights.Waterfall, StringComparison.Ordinal);
        Assert.NotNull(insights.Culprit);
        TraceAnalyzerTests.AssertBounded(insights.Waterfall, new AnalysisOptions());
    }

    private static Trace ReadZipkin(string fixture) => ZipkinTraceParser.Parse(SharedFixtures.Read(fixture));
}
