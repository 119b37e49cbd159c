using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Backends.Lightstep;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Lightstep;

public sealed class LightstepParsingTests
{
    private const string Fixture = "backends/lightstep/stored_traces_response.tracetest_capture.json";

    [Fact]
    public void StoredTraceBecomesOneTraceWithTheFullOtlpTraceId()
    {
        var trace = LightstepParsing.ParseStoredTraces(SharedFixtures.Read(Fixture));

        Assert.NotNull(trace);
        Assert.Equal("1a840fa833f51bcdefedad84c9bb0cdf", trace.TraceId);
        Assert.Equal(2, trace.Spans.Count);
        Assert.All(trace.Spans, s => Assert.Equal(trace.TraceId, s.TraceId));
    }

    [Fact]
    public void SpansKeepTheirParentServiceTimesAndKind()
    {
        var trace = LightstepParsing.ParseStoredTraces(SharedFixtures.Read(Fixture))!;

        var root = trace.Spans[0];
        var query = trace.Spans[1];
        Assert.Equal("7c74a3963449b028", root.SpanId);
        Assert.Null(root.ParentSpanId);
        Assert.Equal("GET /api/tests/{testId}", root.Operation);
        // The root span has no service.name tag: the reporter's says tracetest.
        Assert.Equal("tracetest", root.Service);
        Assert.Equal(BackendTime.FromUnixMicroseconds(1657229019567381), root.Start);
        Assert.Equal(TimeSpan.FromTicks((1657229019626741 - 1657229019567381) * 10), root.Duration);
        Assert.Equal("internal", root.Kind);
        Assert.Equal("/api/tests/{testId}", root.Attribute("http.route"));
        Assert.Equal("f3120667225dd2ca", query.SpanId);
        Assert.Equal("7c74a3963449b028", query.ParentSpanId);
        Assert.Equal("client", query.Kind);
        Assert.Equal(TimeSpan.FromTicks(9070), query.Duration);
        Assert.All(trace.Spans, s => Assert.Equal(SpanStatus.Unset, s.Status));
    }

    [Fact]
    public void AnErroredSpanIsMarkedAndWithoutOtlpIdTheLightstepIdIsUsed()
    {
        const string json = """
            {"data":[{"type":"stored-traces","id":"aa","attributes":{"spans":[{"span-name":"pay","span-id":"aa","is-error":true,
              "start-time-micros":1000,"end-time-micros":3000,"trace-id":"bb","reporter-id":"r1","tags":{"error.message":"declined","retries":3}}]},
              "relationships":{"reporters":[{"reporter-id":"r1","attributes":{"lightstep.component_name":"payments"}}]}}]}
            """;

        var span = Assert.Single(LightstepParsing.ParseStoredTraces(json)!.Spans);

        Assert.Equal(SpanStatus.Error, span.Status);
        Assert.Equal("declined", span.StatusMessage);
        Assert.Equal("bb", span.TraceId);
        Assert.Equal("payments", span.Service);
        Assert.Equal("3", span.Attribute("retries"));
        Assert.Equal(TimeSpan.FromMilliseconds(2), span.Duration);
    }

    [Fact]
    public void NoStoredTraceIsNull()
    {
        Assert.Null(LightstepParsing.ParseStoredTraces("{\"data\":[]}"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"ok\"")]
    [InlineData("null")]
    public void ABodyThatIsNotAnObjectIsAFormatFailure(string body)
    {
        // A proxy answering 200 [] must become the backend's "not the expected JSON", not an InvalidOperationException.
        Assert.Throws<JsonException>(() => LightstepParsing.ParseStoredTraces(body));
    }
}
