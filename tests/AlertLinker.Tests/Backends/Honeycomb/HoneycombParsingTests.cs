using System.Text.Json;
using AlertLinker.Backends.Honeycomb;

namespace AlertLinker.Tests.Backends.Honeycomb;

/// <summary>
/// No real Query Data API body was found (see fixtures/backends/SOURCES.md); these bodies follow the documented
/// shape of the terraform provider's client/query_result.go: {id, complete, data{series, results[{data}]}, links}.
/// </summary>
public sealed class HoneycombParsingTests
{
    internal const string Complete = """
        {"id":"r1","complete":true,
         "data":{"series":[],"results":[
           {"data":{"trace.trace_id":"4bf92f3577b34da66c7e6c5b1e3a2f1c","MAX(duration_ms)":812.5}},
           {"data":{"trace.trace_id":"5b8efff798038103d269b633813fc700","MAX(duration_ms)":95}},
           {"data":{"MAX(duration_ms)":3000}}]},
         "links":{"query_url":"https://ui.honeycomb.io/acme/environments/production/datasets/checkout/result/r1","graph_image_url":""}}
        """;

    [Fact]
    public void ACompleteResultGivesOneTraceARowWithItsSlowestSpan()
    {
        var result = HoneycombParsing.ParseResult(Complete, "checkout", errorSearch: false);

        Assert.True(result.Complete);
        Assert.Equal("r1", result.Id);
        Assert.Equal(["4bf92f3577b34da66c7e6c5b1e3a2f1c", "5b8efff798038103d269b633813fc700"], result.Traces.Select(t => t.TraceId));
        Assert.Equal(TimeSpan.FromMilliseconds(812.5), result.Traces[0].Duration);
        Assert.All(result.Traces, t => Assert.Equal("checkout", t.RootService));
        Assert.All(result.Traces, t => Assert.False(t.Error));
    }

    [Fact]
    public void AnIncompleteResultHasNoTracesYet()
    {
        var result = HoneycombParsing.ParseResult("""{"id":"r1","complete":false,"links":{"query_url":""}}""", "checkout", errorSearch: true);

        Assert.False(result.Complete);
        Assert.Empty(result.Traces);
    }

    [Fact]
    public void TheQueryIdAndErrorsAreRead()
    {
        Assert.Equal("q1", HoneycombParsing.ParseQueryId("""{"id":"q1","breakdowns":["trace.trace_id"]}"""));
        Assert.Equal("unknown column", HoneycombParsing.ParseError("""{"error":"unknown column"}"""));
        Assert.Null(HoneycombParsing.ParseError("<html>"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"ok\"")]
    [InlineData("null")]
    public void ABodyThatIsNotAnObjectIsAFormatFailure(string body)
    {
        // A proxy answering 200 [] must become the backend's "not the expected JSON", not an InvalidOperationException.
        Assert.Throws<JsonException>(() => HoneycombParsing.ParseQueryId(body));
        Assert.Throws<JsonException>(() => HoneycombParsing.ParseResult(body, "checkout", errorSearch: false));
        Assert.Null(HoneycombParsing.ParseError(body));
    }
}
