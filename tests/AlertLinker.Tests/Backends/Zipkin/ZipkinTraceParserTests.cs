using AlertLinker.Backends;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Zipkin;

public sealed class ZipkinTraceParserTests
{
    private static Trace Read(string fixture) => ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/" + fixture));

    [Fact]
    public void TheKafkaTraceHasItsSpansServicesAndErrors()
    {
        var trace = Read("trace_by_id_messaging_kafka_with_error.json");

        Assert.Equal("0562809467078eab", trace.TraceId);
        Assert.Equal(28, trace.Spans.Count);
        Assert.Equal(["servicea", "serviceb"], trace.Spans.Select(s => s.Service).Distinct().Order());
        Assert.Equal(3, trace.Spans.Count(s => s.Status == SpanStatus.Error));
        Assert.Contains(trace.Spans, s => s.StatusMessage == "some error");
        Assert.Single(trace.Spans, s => s.ParentSpanId is null);
        var summary = TraceSummaries.From(trace)!;
        Assert.Equal(TimeSpan.FromMicroseconds(649065), summary.Duration);
        Assert.True(summary.Error);
    }

    [Fact]
    public void TheYelpTraceKeepsItsServicesAndParentLinks()
    {
        var trace = Read("trace_by_id_yelp.json");

        Assert.Equal(16, trace.Spans.Count);
        Assert.Contains(trace.Spans, s => s.Service == "yelp_main/api_proxy");
        var ids = trace.Spans.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Spans.Where(s => s.ParentSpanId is not null), s => Assert.Contains(s.ParentSpanId!, ids));
        Assert.DoesNotContain(trace.Spans, s => s.Status == SpanStatus.Error);
        Assert.Equal(TimeSpan.FromMicroseconds(131848), TraceSummaries.From(trace)!.Duration);
    }

    [Fact]
    public void TheSkewedTraceKeepsBothHalvesOfTheSharedSpan()
    {
        var trace = Read("trace_by_id_skew.json");

        Assert.Equal(4, trace.Spans.Count);
        var halves = trace.Spans.Where(s => s.SpanId == "74280ae0c10d8062").ToList();
        Assert.Equal(["client", "server"], halves.Select(s => s.Kind).Order());
        Assert.All(halves, s => Assert.Equal("bf396325699c84bf", s.ParentSpanId));
        Assert.Equal(("servicea", "get"), (TraceSummaries.From(trace)!.RootService, TraceSummaries.From(trace)!.RootOperation));
    }

    [Fact]
    public void ASearchAnswerIsAListOfTracesAndTheRemoteServiceBecomesThePeer()
    {
        var span = SharedFixtures.Read("backends/zipkin/span_client_single.json");
        var skew = SharedFixtures.Read("backends/zipkin/trace_by_id_skew.json");

        var traces = ZipkinTraceParser.ParseTraces($"[[{span}], {skew}, []]");

        Assert.Equal(2, traces.Count);
        var client = Assert.Single(traces[0].Spans);
        Assert.Equal("4d1e00c0db9010db86154a4ba6e91385", client.TraceId);
        Assert.Equal(("4d1e00c0db9010db", "86154a4ba6e91385"), (client.SpanId, client.ParentSpanId));
        Assert.Equal(("frontend", "get", "client"), (client.Service, client.Operation, client.Kind));
        Assert.Equal(TimeSpan.FromMilliseconds(207), client.Duration);
        Assert.Equal("backend", client.Attribute("peer.service"));
        Assert.Equal("/api", client.Attribute("http.path"));
    }

    [Fact]
    public void ASpanWithoutTimestampStartsWithTheTraceNotIn1970()
    {
        const string json = """
            [{"traceId":"a","id":"1","name":"root","timestamp":1470150004008761,"duration":10,"localEndpoint":{"serviceName":"a"}},
             {"traceId":"a","id":"2","parentId":"1","name":"late half"}]
            """;

        var trace = ZipkinTraceParser.Parse(json);

        Assert.All(trace.Spans, s => Assert.Equal(BackendTime.FromUnixMicroseconds(1470150004008761), s.Start));
        Assert.Equal("unknown", trace.Spans[1].Service);
    }

    [Fact]
    public void AnEmptyTraceIsEmpty() => Assert.Empty(ZipkinTraceParser.Parse("[]", "abc").Spans);

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("""[{"traceId":"a","id":"1","timestamp":"later"}]""")]
    [InlineData("""[{"traceId":"a","id":"1","timestamp":-3}]""")]
    [InlineData("""[{"traceId":"a","id":"1","duration":1e30}]""")]
    public void OddInputThrowsOnlyTheTraceFormatException(string json) =>
        Assert.Contains("Zipkin", Assert.Throws<TraceFormatException>(() => ZipkinTraceParser.Parse(json)).Message, StringComparison.Ordinal);

    [Fact]
    public void ASearchAnswerThatIsNotAListOfListsIsAFormatError() =>
        Assert.Throws<TraceFormatException>(() => ZipkinTraceParser.ParseTraces("[{\"traceId\":\"a\"}]"));
}
