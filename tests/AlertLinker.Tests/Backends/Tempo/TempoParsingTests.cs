using AlertLinker.Backends;
using AlertLinker.Backends.Tempo;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TempoParsingTests
{
    [Fact]
    public void TraceQlSearchResponseGivesIdRootStartAndDuration()
    {
        var trace = Assert.Single(TempoParsing.ParseSearch(SharedFixtures.Read("backends/tempo/search_traceql_response.docs.json"), errorSearch: false));

        Assert.Equal("5b8efff798038103d269b633813fc700", trace.TraceId);
        Assert.Equal("my.service", trace.RootService);
        Assert.Equal("I am a span!", trace.RootOperation);
        Assert.Equal(BackendTime.FromUnixNanoseconds(1694718625557000000), trace.Start);
        Assert.Equal(TimeSpan.FromSeconds(10), trace.Duration);
        Assert.False(trace.Error);
    }

    [Fact]
    public void TagSearchResponseParsesToo()
    {
        var traces = TempoParsing.ParseSearch(SharedFixtures.Read("backends/tempo/search_tags_response.docs.json"), errorSearch: true);

        Assert.Equal(["d6e9329d67b6146a", "1b1ba462b409200d"], traces.Select(t => t.TraceId));
        Assert.All(traces, t => Assert.Equal(TimeSpan.FromMilliseconds(611), t.Duration));
        Assert.All(traces, t => Assert.True(t.Error));
    }

    [Fact]
    public void AMissingRootSpanIsAnUnknownRootService()
    {
        const string json = """{"traces":[{"traceID":"ab","rootServiceName":"<root span not yet received>","startTimeUnixNano":"1","serviceStats":{"a":{"spanCount":2,"errorCount":1}}}]}""";
        var trace = Assert.Single(TempoParsing.ParseSearch(json, errorSearch: false));
        Assert.Null(trace.RootService);
        Assert.True(trace.Error);
        Assert.Equal(TimeSpan.Zero, trace.Duration);
    }
    [Fact]
    public void TheFixturesSpanSetGivesItsSpanOnceWithTheAttributeNamedWithoutItsScope()
    {
        // The docs example matched resource.service.name and answers it as "service.name"; spanSet repeats spanSets[0].
        var hit = Assert.Single(TempoParsing.ParseHits(SharedFixtures.Read("backends/tempo/search_traceql_response.docs.json"), errorSearch: false));

        var span = Assert.Single(hit.Spans);
        Assert.Equal("eee19b7ec3c1b100", span.SpanId);
        Assert.Equal("5b8efff798038103d269b633813fc700", span.TraceId);
        Assert.Equal(TimeSpan.FromSeconds(10), span.Duration);
        Assert.Equal("my.service", span.Attribute("service.name"));
        Assert.Equal("my.service", span.Service);
    }

    [Fact]
    public void SelectedAttributesOfEveryTypeReadAsText()
    {
        // AnyValue as Tempo's jsonpb writes it: int64 as a string, bools and doubles as JSON values.
        const string json = """
            {"traces":[{"traceID":"ab","rootServiceName":"checkout","durationMs":5,"spanSets":[{"spans":[{"spanID":"0000000000000001",
            "startTimeUnixNano":"1694718625557000000","durationNanos":"5000000","attributes":[
            {"key":"tenant.id","value":{"stringValue":"acme"}},{"key":"http.status_code","value":{"intValue":"503"}},
            {"key":"cache.hit","value":{"boolValue":false}},{"key":"ratio","value":{"doubleValue":0.5}}]}],"matched":1}]}]}
            """;

        var span = Assert.Single(Assert.Single(TempoParsing.ParseHits(json, errorSearch: false)).Spans);

        Assert.Equal("acme", span.Attribute("tenant.id"));
        Assert.Equal("503", span.Attribute("http.status_code"));
        Assert.Equal("false", span.Attribute("cache.hit"));
        Assert.Equal("0.5", span.Attribute("ratio"));
    }

    [Fact]
    public void ATagSearchWithoutSpanSetsHasNoSpans() =>
        Assert.All(TempoParsing.ParseHits(SharedFixtures.Read("backends/tempo/search_tags_response.docs.json"), errorSearch: false),
            hit => Assert.Empty(hit.Spans));
}
