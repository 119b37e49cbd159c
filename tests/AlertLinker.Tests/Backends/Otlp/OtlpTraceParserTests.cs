using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Backends.Otlp;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Otlp;

public sealed class OtlpTraceParserTests
{
    private static Trace ParseFixture(string fixture) => OtlpTraceParser.Parse(SharedFixtures.Read(fixture));

    [Fact]
    public void JaegerApiV3GetTraceIsReadThroughItsResultWrapperWithHexIdsAndIntegerEnums()
    {
        var trace = ParseFixture("backends/jaeger/v3_GetTrace.json");

        var span = Assert.Single(trace.Spans);
        Assert.Equal("00000000000000000000000000000001", trace.TraceId);
        Assert.Equal(("0000000000000002", null, "foobar"), (span.SpanId, span.ParentSpanId, span.Operation));
        Assert.Equal(("server", SpanStatus.Error), (span.Kind, span.Status));
        // Its resource has no attributes: the service is unknown, not missing.
        Assert.Equal(OtlpTraceParser.UnknownService, span.Service);
        Assert.Equal(TimeSpan.Zero, span.Duration);
    }

    [Fact]
    public void JaegerApiV3FindTracesHasTheSameShape()
    {
        var trace = ParseFixture("backends/jaeger/v3_FindTraces.json");

        Assert.Equal("0000000000000002", Assert.Single(trace.Spans).SpanId);
        Assert.Equal(SpanStatus.Error, trace.Spans[0].Status);
    }

    [Fact]
    public void PlainOtlpJsonGivesServiceParentDurationAndAttributes()
    {
        var trace = ParseFixture("backends/jaeger/otlp_trace_input.json");

        Assert.Equal(2, trace.Spans.Count);
        Assert.All(trace.Spans, span =>
        {
            Assert.Equal("83a9efd15c1c98a977e0711cc93ee28b", span.TraceId);
            Assert.Equal(("e127af99e3b3e074", "909541b92cf05311"), (span.SpanId, span.ParentSpanId));
            Assert.Equal("telemetrygen", span.Service);
            Assert.Equal(TimeSpan.FromMicroseconds(123), span.Duration);
            Assert.Equal(BackendTime.FromUnixNanoseconds(1706678909209712000), span.Start);
            Assert.Equal("telemetrygen-client", span.Attribute("peer.service"));
            Assert.Equal(SpanStatus.Unset, span.Status);
        });
    }

    [Fact]
    public void TempoLegacyBatchesWithUppercaseHexIdsAreNormalized()
    {
        var trace = ParseFixture("backends/tempo/trace_by_id_v1_batches_shape.json");

        var span = Assert.Single(trace.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc60c", trace.TraceId);
        Assert.Equal(("eee19b7ec3c1b174", "eee19b7ec3c1b173"), (span.SpanId, span.ParentSpanId));
        Assert.Equal(("my.service", "I'm a server span", "server"), (span.Service, span.Operation, span.Kind));
        Assert.Equal(TimeSpan.FromSeconds(1), span.Duration);
        Assert.Equal("some value", span.Attribute("my.span.attr"));
    }

    [Fact]
    public void TempoV2TraceWrapperWithBase64IdsAndEnumNamesIsRead()
    {
        var trace = ParseFixture("backends/tempo/trace_by_id_v2_response.docs.json");

        var span = Assert.Single(trace.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc700", trace.TraceId);
        Assert.Equal("eee19b7ec3c1b100", span.SpanId);
        Assert.Equal(("server", SpanStatus.Unset), (span.Kind, span.Status));
        Assert.Equal(TimeSpan.FromSeconds(1689970000 - 1689969302), span.Duration);
    }

    [Fact]
    public void TheVultureTraceKeepsItsTreeAcrossTwoResourcesAndReadsIntAttributes()
    {
        var trace = ParseFixture("backends/tempo/trace_otlp_jsonpb_vulture.json");

        Assert.Equal(6, trace.Spans.Count);
        Assert.Equal("3149195ffb0bec05347b48efe8ecc1b0", trace.TraceId);
        Assert.All(trace.Spans, s => Assert.Equal("tempo-vulture", s.Service));
        Assert.Equal(2, trace.Spans.Count(s => s.ParentSpanId is null));
        Assert.Equal("4b23de25d1fb6641", trace.Spans.Single(s => s.SpanId == "3ef58fd67f3c3c44").ParentSpanId);
        Assert.Equal(TimeSpan.FromMicroseconds(92), trace.Spans.Max(s => s.End) - trace.Spans.Min(s => s.Start));
        Assert.All(trace.Spans, s => Assert.Matches("^[0-9a-f]{16}$", s.SpanId));
    }

    [Fact]
    public void TheVultureTraceIsAnalysedAsTwoRootsWithoutOrphans()
    {
        var insights = TraceAnalyzer.Analyze(ParseFixture("backends/tempo/trace_otlp_jsonpb_vulture.json"));

        Assert.Equal((6, 2, 0), (insights.SpanCount, insights.Roots, insights.Orphans));
        Assert.Equal(TimeSpan.FromMicroseconds(92), insights.Duration);
        Assert.Null(insights.ErrorOrigin);
        Assert.StartsWith("vulture-", insights.Culprit!.Span.Operation, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAnyValueKindBecomesText()
    {
        const string json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
             "instrumentationLibrarySpans":[{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","parentSpanId":"",
              "name":"GET /cart","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1000000000,"endTimeUnixNano":"1250000000",
              "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
              "attributes":[
               {"key":"s","value":{"stringValue":"text"}},{"key":"b","value":{"boolValue":true}},
               {"key":"i","value":{"intValue":"9223372036854775807"}},{"key":"i2","value":{"intValue":42}},
               {"key":"d","value":{"doubleValue":1.5}},{"key":"bytes","value":{"bytesValue":"AAAwOQ=="}},
               {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}},
               {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},
               {"key":"empty","value":{}}],
              "events":[{"name":"exception","attributes":[{"key":"exception.message","value":{"stringValue":"timeout"}},
                {"key":"exception.stacktrace","value":{"stringValue":"at …"}}]}]}]}]}]}
            """;

        var span = Assert.Single(OtlpTraceParser.Parse(json).Spans);

        Assert.Equal(("00000000000000000000000000000001", "0000000000000002", null), (span.TraceId, span.SpanId, span.ParentSpanId));
        Assert.Equal(("checkout", "client", SpanStatus.Error, "boom"), (span.Service, span.Kind, span.Status, span.StatusMessage));
        Assert.Equal(TimeSpan.FromMilliseconds(250), span.Duration);
        Assert.Equal("text", span.Attribute("s"));
        Assert.Equal("true", span.Attribute("b"));
        Assert.Equal("9223372036854775807", span.Attribute("i"));
        Assert.Equal("42", span.Attribute("i2"));
        Assert.Equal("1.5", span.Attribute("d"));
        Assert.Equal("AAAwOQ==", span.Attribute("bytes"));
        Assert.Equal("[x, 2]", span.Attribute("a"));
        Assert.Equal("{k: false}", span.Attribute("kv"));
        Assert.Equal("", span.Attribute("empty"));
        // The exception event's message reaches the error chain; the stack trace does not (it is long and not needed).
        Assert.Equal("timeout", span.Attribute("exception.message"));
        Assert.Null(span.Attribute("exception.stacktrace"));
    }

    [Fact]
    public void ASpanEndingBeforeItStartsIsInstantRatherThanNegative()
    {
        const string json = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"2000","endTimeUnixNano":"1000"}]}]}]}""";

        Assert.Equal(TimeSpan.Zero, Assert.Single(OtlpTraceParser.Parse(json).Spans).Duration);
    }

    [Fact]
    public void SpansWithoutIdsAreSkippedAndAnEmptyBodyIsAnEmptyTrace()
    {
        const string json = """{"batches":[{"scopeSpans":[{"spans":[{"name":"no ids"},{"traceId":"01","spanId":"02","name":"kept"}]}]}]}""";

        Assert.Equal("kept", Assert.Single(OtlpTraceParser.Parse(json).Spans).Operation);
        var empty = OtlpTraceParser.Parse("{}", "ABCDEF0123456789");
        Assert.Empty(empty.Spans);
        Assert.Equal("abcdef0123456789", empty.TraceId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("""{"resourceSpans":{"not":"an array"}}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[42]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"soon"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"-5"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"99999999999999999999999"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":{"x":1},"spanId":"02"}]}]}]}""")]
    public void OddInputThrowsOnlyTheTraceFormatException(string json)
    {
        var error = Assert.Throws<TraceFormatException>(() => OtlpTraceParser.Parse(json));

        Assert.Contains("OTLP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileNestingFailsCleanly()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);

        Assert.Throws<TraceFormatException>(() => OtlpTraceParser.Parse(deep));
    }

    [Fact]
    public void DeeplyNestedAttributeValuesAreElided()
    {
        var value = string.Concat(Enumerable.Repeat("{\"arrayValue\":{\"values\":[", 12)) + "{\"stringValue\":\"x\"}"
            + string.Concat(Enumerable.Repeat("]}}", 12));
        var json = $$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","attributes":[{"key":"deep","value":{{value}}}]}]}]}]}""";

        Assert.Contains("…", Assert.Single(OtlpTraceParser.Parse(json).Spans).Attribute("deep"), StringComparison.Ordinal);
    }
}
