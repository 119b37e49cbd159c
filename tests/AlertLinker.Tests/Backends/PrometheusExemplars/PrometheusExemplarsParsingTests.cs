using AlertLinker.Backends;
using AlertLinker.Backends.PrometheusExemplars;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Backends.PrometheusExemplars;

public sealed class PrometheusExemplarsParsingTests
{
    private static readonly IReadOnlyList<string> Labels = PrometheusExemplarsOptions.DefaultTraceIdLabels;

    [Fact]
    public void DocsExampleYieldsTraceIdsValuesAndFloatSecondTimestamps()
    {
        var answer = PrometheusExemplarsParsing.Parse(SharedFixtures.Read("backends/prometheus/query_exemplars_response.docs.json"), Labels);

        Assert.False(answer.IsError);
        Assert.Equal(["EpTxMJ40fUus7aGY", "Olp9XHlq763ccsfa", "hCtjygkIHwAN9vs4"], answer.Exemplars.Select(e => e.TraceId));
        Assert.Equal(6d, answer.Exemplars[0].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1600096945479), answer.Exemplars[0].Timestamp);
        Assert.Equal("bar", answer.Exemplars[0].SeriesLabels["service"]);
    }

    [Fact]
    public void GrafanaExcerptUsesTheTraceIdLabelSpellingOfTempoSpanMetrics()
    {
        var answer = PrometheusExemplarsParsing.Parse(
            SharedFixtures.Read("backends/prometheus/query_exemplars_response_traceID_label.grafana_excerpt.json"), Labels);

        Assert.Equal(3, answer.Exemplars.Count);
        var top = PrometheusExemplarsParsing.Top(answer.Exemplars, 2);
        Assert.Equal(["c8ba445009b868ddfe1c807e337bf989", "84e478f15d3b5dd66e5e916fd54339cc"], top.Select(e => e.TraceId));
        Assert.Equal(TimeSpan.FromSeconds(0.038592), PrometheusExemplarsParsing.DurationOf(top[0]));
    }

    [Fact]
    public void LabelNamesMatchCaseInsensitivelyAndCanBeConfigured()
    {
        const string json = """{"status":"success","data":[{"seriesLabels":{},"exemplars":[{"labels":{"TRACE_ID":"aa","span":"x"},"value":"1","timestamp":1}]}]}""";
        Assert.Equal("aa", Assert.Single(PrometheusExemplarsParsing.Parse(json, Labels).Exemplars).TraceId);
        Assert.Empty(PrometheusExemplarsParsing.Parse(json, ["dd.trace_id"]).Exemplars);
        Assert.Single(PrometheusExemplarsParsing.Parse(json, ["Trace_Id"]).Exemplars);
    }

    [Fact]
    public void AnErrorAnswerIsReportedNotThrown()
    {
        const string json = """{"status":"error","errorType":"bad_data","error":"query must contain a selector"}""";
        var answer = PrometheusExemplarsParsing.Parse(json, Labels);
        Assert.True(answer.IsError);
        Assert.Equal("bad_data", answer.ErrorType);
        Assert.Empty(answer.Exemplars);
    }

    [Fact]
    public void TopOrdersByValueDescendingAndDropsRepeatedTraces()
    {
        var labels = new Dictionary<string, string>();
        FoundExemplar E(string id, double value) => new(id, value, DateTimeOffset.UnixEpoch, labels);

        var top = PrometheusExemplarsParsing.Top([E("a", 1), E("b", double.NaN), E("c", 5), E("A", 9), E("d", 3)], 3);

        Assert.Equal(["A", "c", "d"], top.Select(e => e.TraceId));
    }

    [Theory]
    [InlineData("http_server_duration_milliseconds_bucket", 250.0, 250.0)]
    [InlineData("request_latency_seconds", 0.5, 500.0)]
    [InlineData("http_requests_total", 3.0, null)]
    public void ValueIsADurationOnlyWhenTheMetricNameSaysSo(string metric, double value, double? expectedMs)
    {
        var exemplar = new FoundExemplar("t", value, DateTimeOffset.UnixEpoch, new Dictionary<string, string> { ["__name__"] = metric });
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, PrometheusExemplarsParsing.DurationOf(exemplar));
    }

    [Fact]
    public void GraphLinkCarriesTheExpressionAndTheWindow()
    {
        var url = PrometheusLinks.Graph(new Uri("https://prom.example.com/"), "histogram_quantile(0.99, rate(x_bucket[5m])) > 0.5",
            BackendTestHost.Window with { End = BackendTestHost.Window.End.AddSeconds(30) });
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);

        Assert.Equal("https://prom.example.com/graph", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("histogram_quantile(0.99, rate(x_bucket[5m])) > 0.5", query["g0.expr"]);
        Assert.Equal("20m30s", query["g0.range_input"]);
        Assert.Equal("2026-11-23 10:20:30", query["g0.end_input"]);
        Assert.Equal("0", query["g0.tab"]);
    }

    [Theory]
    [InlineData(3600, "1h")]
    [InlineData(5430, "1h30m30s")]
    [InlineData(0.2, "1s")]
    public void RangeInputUsesThePrometheusUiDurationSyntax(double seconds, string expected) =>
        Assert.Equal(expected, PrometheusLinks.RangeInput(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void TraceIdNormalizationIsNotAppliedToOpaqueIds() =>
        Assert.Equal("EpTxMJ40fUus7aGY", TraceIds.Normalize("EpTxMJ40fUus7aGY"));
}
