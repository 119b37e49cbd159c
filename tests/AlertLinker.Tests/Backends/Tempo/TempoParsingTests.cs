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
}
