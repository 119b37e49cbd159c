using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Backends.Datadog;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.Datadog;

public sealed class DatadogParsingTests
{
    public static IEnumerable<object[]> SpanPages() =>
        SharedFixtures.Files("backends/datadog", "*_response.cassette.json").Where(f => !((string)f[0]).Contains("422", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(SpanPages))]
    public void EveryRecordedSpansPageParsesWithTheSameCountAsItsDataArray(string fixture)
    {
        var json = SharedFixtures.Read(fixture);
        using var document = JsonDocument.Parse(json);

        var page = DatadogParsing.ParsePage(json);

        Assert.Equal(document.RootElement.GetProperty("data").GetArrayLength(), page.Spans.Count);
        var after = document.RootElement.TryGetProperty("meta", out var meta) ? meta.GetProperty("page").GetProperty("after").GetString() : null;
        Assert.Equal(after, page.After);
        Assert.All(page.Spans, s => Assert.NotNull(DatadogParsing.Summarize(s, errorSearch: false).Duration));
    }

    [Fact]
    public void ASpanBecomesAnExemplarWithItsDecimalIdAndNanosecondDuration()
    {
        var page = DatadogParsing.ParsePage(SharedFixtures.Read("backends/datadog/spans_search_response.cassette.json"));

        var first = DatadogParsing.Summarize(page.Spans[0], errorSearch: false);

        Assert.Equal("3740652481065462946", first.TraceId);
        Assert.Equal("python-sample-app-spartancrimson", first.RootService);
        Assert.Equal("GET /", first.RootOperation);
        Assert.Equal(DateTimeOffset.Parse("2023-06-29T09:50:52.472Z", System.Globalization.CultureInfo.InvariantCulture), first.Start);
        Assert.Equal(TimeSpan.FromTicks(34029), first.Duration); // 3402932 ns
        Assert.False(first.Error);
        Assert.True(DatadogParsing.Summarize(page.Spans[0], errorSearch: true).Error);
    }

    [Fact]
    public void SpansOfOneTraceBecomeANormalizedTraceWithHexIdsAndParents()
    {
        var page = DatadogParsing.ParsePage(SharedFixtures.Read("backends/datadog/spans_search_response.cassette.json"));

        var trace = DatadogParsing.ToTrace(page.Spans.Where(s => s.TraceId == "6252933144469107600"));

        Assert.NotNull(trace);
        Assert.Equal(6252933144469107600UL.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), trace.TraceId);
        Assert.Equal(2, trace.Spans.Count);
        var root = Assert.Single(trace.Spans, s => s.ParentSpanId is null);
        var child = Assert.Single(trace.Spans, s => s.ParentSpanId is not null);
        Assert.Equal(root.SpanId, child.ParentSpanId);
        Assert.Equal("GET /", root.Operation);
        Assert.Equal("Controller.index", child.Operation);
        Assert.Equal("server", root.Kind);
        Assert.Equal(TimeSpan.FromTicks(14064), root.Duration); // 1406493 ns
        Assert.Equal("pcf-spartancrimson", root.Attribute("env"));
        Assert.All(trace.Spans, s => Assert.Equal(SpanStatus.Unset, s.Status));
    }

    [Fact]
    public void ErrorAttributesMarkASpanFailed()
    {
        const string json = """
            {"data":[{"id":"x","type":"spans","attributes":{"service":"checkout","resource_name":"GET /pay","trace_id":"42","span_id":"43","parent_id":"0",
              "start_timestamp":"2023-06-29T09:50:52.472Z","end_timestamp":"2023-06-29T09:50:52.475Z",
              "custom":{"duration":3000000,"error":{"message":"connection refused","type":"IOError"}}}}]}
            """;

        var span = Assert.Single(DatadogParsing.ToTrace(DatadogParsing.ParsePage(json).Spans)!.Spans);

        Assert.Equal(SpanStatus.Error, span.Status);
        Assert.Equal("connection refused", span.StatusMessage);
        Assert.Equal("000000000000002a", span.TraceId);
    }

    [Fact]
    public void TheUnprocessableAnswerGivesDatadogsDetail()
    {
        Assert.Equal("invalid_argument(Field 'filter.from,to' is invalid: 'from' should be anterior to 'to')",
            DatadogParsing.ParseErrors(SharedFixtures.Read("backends/datadog/spans_search_422_response.cassette.json")));
    }

    [Theory]
    [InlineData("7817822160947910556", "7817822160947910556")]
    [InlineData("6c7e6c5b1e3a2f1c", "7817805141766713116")]
    [InlineData("4bf92f3577b34da66c7e6c5b1e3a2f1c", "7817805141766713116")]
    public void HexIdsFromElsewhereAreSearchedAsDatadogsDecimalLowerHalf(string id, string expected)
    {
        Assert.Equal(expected, DatadogParsing.DecimalId(id));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"ok\"")]
    [InlineData("null")]
    public void ABodyThatIsNotAnObjectIsAFormatFailure(string body)
    {
        // A proxy answering [] must become the backend's "not the expected JSON", not an InvalidOperationException.
        Assert.Throws<JsonException>(() => DatadogParsing.ParsePage(body));
        Assert.Null(DatadogParsing.ParseErrors(body));
    }
}
