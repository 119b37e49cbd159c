using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Backends.Jaeger;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Jaeger;

public sealed class JaegerParsingTests
{
    [Fact]
    public void V1TracesGiveRootServiceOperationAndMicrosecondTimes()
    {
        var traces = JaegerParsing.ParseV1Traces(SharedFixtures.Read("backends/jaeger/v1_api_traces_response.json"));

        var trace = Assert.Single(traces);
        Assert.Equal("83a9efd15c1c98a977e0711cc93ee28b", trace.TraceId);
        Assert.Equal("telemetrygen", trace.RootService);
        Assert.Equal("okey-dokey-0", trace.RootOperation);
        Assert.Equal(BackendTime.FromUnixMicroseconds(1706678909209712), trace.Start);
        Assert.Equal(TimeSpan.FromMicroseconds(123), trace.Duration);
        Assert.False(trace.Error);
    }

    [Fact]
    public void V1UiTraceModelWithTypedTagsFindsTheBoolErrorTag()
    {
        var model = JsonSerializer.Deserialize<JaegerParsing.V1Trace>(
            SharedFixtures.Read("backends/jaeger/v1_ui_trace_model.json"), BackendHttp.Json)!;

        var trace = JaegerParsing.SummarizeV1(model)!;

        Assert.Equal("0000000000000001", trace.TraceId);
        Assert.True(trace.Error);
        Assert.Equal("service-x", trace.RootService);
        Assert.Equal("test-general-conversion", trace.RootOperation);
        Assert.Equal(TimeSpan.FromMicroseconds(5), trace.Duration);
    }

    [Fact]
    public void V1StatusCodeErrorTagCountsAsError()
    {
        const string json = """
            {"data":[{"traceID":"ab","spans":[{"traceID":"ab","spanID":"01","operationName":"op","references":[],
            "startTime":10,"duration":5,"processID":"p1","tags":[{"key":"otel.status_code","type":"string","value":"ERROR"}]}],
            "processes":{"p1":{"serviceName":"s"}}}],"total":0,"limit":0,"offset":0,"errors":null}
            """;
        Assert.True(Assert.Single(JaegerParsing.ParseV1Traces(json)).Error);
    }

    [Theory]
    [InlineData("backends/jaeger/v3_FindTraces.json")]
    [InlineData("backends/jaeger/v3_GetTrace.json")]
    public void V3TracesReadHexIdsAndStatusCodeTwoAsError(string fixture)
    {
        var trace = Assert.Single(JaegerParsing.ParseV3Traces(SharedFixtures.Read(fixture)));

        Assert.Equal("00000000000000000000000000000001", trace.TraceId);
        Assert.Equal("foobar", trace.RootOperation);
        Assert.True(trace.Error);
        // The snapshot spans carry no times: unknown, not zero.
        Assert.Null(trace.Start);
        Assert.Null(trace.Duration);
    }

    [Fact]
    public void V3TracesTakeServiceFromTheResourceAndTimesFromNanoseconds()
    {
        var otlp = SharedFixtures.Read("backends/jaeger/otlp_trace_input.json");
        var trace = Assert.Single(JaegerParsing.ParseV3Traces("{\"result\":" + otlp + "}"));

        Assert.Equal("telemetrygen", trace.RootService);
        Assert.Equal(TimeSpan.FromMicroseconds(123), trace.Duration);
        Assert.Equal(BackendTime.FromUnixNanoseconds(1706678909209712000), trace.Start);
        Assert.False(trace.Error);
    }

    [Fact]
    public void TraceSummariesGiveDurationFromStartAndEndNanoseconds()
    {
        var summary = Assert.Single(JaegerParsing.ParseTraceSummaries(SharedFixtures.Read("backends/jaeger/v3_FindTraceSummaries.json")));

        Assert.Equal("00000000000000000000000000000001", summary.TraceId);
        Assert.Equal("frontend", summary.RootService);
        Assert.Equal("HTTP GET /", summary.RootOperation);
        Assert.Equal(TimeSpan.FromSeconds(1), summary.Duration);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1000), summary.Start);
        Assert.True(summary.Error);
    }

    [Theory]
    [InlineData("{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}\n", true)]
    [InlineData("404 page not found\n", false)]
    [InlineData("<!doctype html><html></html>", false)]
    public void AnEmptyV3SearchIsToldApartFromAMissingRoute(string body, bool empty) =>
        Assert.Equal(empty, JaegerParsing.IsV3EmptySearch(body));
}
