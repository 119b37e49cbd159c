using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Backends.Jaeger;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Jaeger;

public sealed class JaegerTraceParserTests
{
    [Fact]
    public void TheV1EnvelopeGivesTheTraceWithServiceParentAndMicrosecondTimes()
    {
        var trace = JaegerTraceParser.Parse(SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));

        Assert.Equal("83a9efd15c1c98a977e0711cc93ee28b", trace.TraceId);
        Assert.Equal(2, trace.Spans.Count);
        Assert.All(trace.Spans, span =>
        {
            Assert.Equal(("e127af99e3b3e074", "909541b92cf05311"), (span.SpanId, span.ParentSpanId));
            Assert.Equal(("telemetrygen", "okey-dokey-0", "server"), (span.Service, span.Operation, span.Kind));
            Assert.Equal(BackendTime.FromUnixMicroseconds(1706678909209712), span.Start);
            Assert.Equal(TimeSpan.FromMicroseconds(123), span.Duration);
            Assert.Equal(SpanStatus.Unset, span.Status);
        });
    }

    [Fact]
    public void TheV1AndOtlpFormsOfTheSameTraceAgree()
    {
        var v1 = JaegerTraceParser.Parse(SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));
        var otlp = AlertLinker.Backends.Otlp.OtlpTraceParser.Parse(SharedFixtures.Read("backends/jaeger/otlp_trace_input.json"));

        Assert.Equal(
            otlp.Spans.Select(s => (s.TraceId, s.SpanId, s.ParentSpanId, s.Service, s.Operation, s.Start, s.Duration, s.Kind)),
            v1.Spans.Select(s => (s.TraceId, s.SpanId, s.ParentSpanId, s.Service, s.Operation, s.Start, s.Duration, s.Kind)));
    }

    [Fact]
    public void TheUiModelTraceReadsTypedTagsProcessesAndReferences()
    {
        var trace = JaegerTraceParser.Parse(SharedFixtures.Read("backends/jaeger/v1_ui_trace_model.json"));

        Assert.Equal(5, trace.Spans.Count);
        Assert.Equal(["service-x", "service-x", "service-y", "service-y", "service-y"], trace.Spans.Select(s => s.Service));
        var failed = Assert.Single(trace.Spans, s => s.Status == SpanStatus.Error);
        Assert.Equal("some-operation", failed.Operation);
        Assert.Equal("9223372036854775222", failed.Attribute("javascript_limit"));
        Assert.Equal("72.5", failed.Attribute("temperature"));
        Assert.Equal("AAAwOQ==", failed.Attribute("blob"));
        Assert.Equal("true", failed.Attribute("error"));
        // The reference into another trace (…ff) is not the parent; CHILD_OF inside the trace is.
        Assert.Equal("0000000000000002", trace.Spans.Single(s => s.SpanId == "0000000000000004").ParentSpanId);
        Assert.Equal("0000000000000004", trace.Spans.Single(s => s.SpanId == "0000000000000005").ParentSpanId);
        Assert.All(trace.Spans, s => Assert.Equal(TimeSpan.FromMicroseconds(s.SpanId == "0000000000000005" ? 4 : 5), s.Duration));
    }

    [Fact]
    public void TheUiModelTraceIsAnalysedWithItsErrorOrigin()
    {
        var insights = TraceAnalyzer.Analyze(JaegerTraceParser.Parse(SharedFixtures.Read("backends/jaeger/v1_ui_trace_model.json")));

        Assert.Equal(5, insights.SpanCount);
        Assert.Equal(0, insights.Orphans);
        Assert.Equal("some-operation", insights.ErrorOrigin!.Span.Operation);
        Assert.Equal("service-y", insights.ErrorOrigin.Peer);
    }

    [Fact]
    public void NotFoundIsAnEmptyTrace()
    {
        const string body = """{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}""";

        Assert.Empty(JaegerTraceParser.Parse(body).Spans);
        Assert.True(JaegerParsing.IsV1NotFound(body));
        Assert.False(JaegerParsing.IsV1NotFound("404 page not found\n"));
    }

    [Theory]
    [InlineData("<html>")]
    [InlineData("[1,2]")]
    [InlineData("""{"data":[{"spans":[{"traceID":"01","spanID":"02","startTime":"yesterday"}]}]}""")]
    [InlineData("""{"data":[{"spans":[{"traceID":"01","spanID":"02","startTime":9223372036854775807}]}]}""")]
    [InlineData("""{"data":[{"spans":[{"traceID":"01","spanID":"02","duration":-1}]}]}""")]
    [InlineData("""{"data":[{"spans":"none"}]}""")]
    public void OddInputThrowsOnlyTheTraceFormatException(string json) =>
        Assert.Throws<TraceFormatException>(() => JaegerTraceParser.Parse(json));
}
