using AlertLinker.Graphs;

namespace AlertLinker.Tests.Graphs;

public sealed class GraphExpressionTests
{
    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", ">", 0.5)]
    [InlineData("up == 0", "up", "==", 0)]
    [InlineData("rate(errors_total[5m]) >= bool 1e2", "rate(errors_total[5m])", ">=", 100)]
    [InlineData("0.9 > avg(probe_success{job=\"blackbox\"})", "avg(probe_success{job=\"blackbox\"})", "<", 0.9)]
    [InlineData("sum(rate(x_total{code=~\"5..\"}[1m])) / sum(rate(x_total[1m])) > .05", "sum(rate(x_total{code=~\"5..\"}[1m])) / sum(rate(x_total[1m]))", ">", 0.05)]
    public void AComparisonWithAConstantIsQueriedWithoutItAndDrawnAsTheThreshold(string expression, string query, string op, double value)
    {
        var parsed = GraphExpression.Parse(expression);

        Assert.Equal(query, parsed.Query);
        Assert.Equal(new GraphThreshold(op, value), parsed.Threshold);
    }

    [Theory]
    [InlineData("up{job=\"a>b\"}")]
    [InlineData("rate(x_total[5m]) > 1 and rate(y_total[5m]) > 2")]
    [InlineData("a > b")]
    [InlineData("x > 0.5 * 2")]
    [InlineData("sum(rate(x_total[5m]))")]
    public void AnythingButOneComparisonWithAConstantIsQueriedAsWrittenWithoutAThreshold(string expression)
    {
        var parsed = GraphExpression.Parse(expression);

        Assert.Equal(expression, parsed.Query);
        Assert.Null(parsed.Threshold);
    }

    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", GraphUnit.Seconds)]
    [InlineData("rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])", GraphUnit.Seconds)]
    [InlineData("node_time_seconds - node_boot_time_seconds", GraphUnit.Seconds)]
    [InlineData("sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))", GraphUnit.Ratio)]
    [InlineData("slo:error_budget_ratio", GraphUnit.Ratio)]
    [InlineData("rate(http_request_duration_seconds_count[5m])", GraphUnit.Number)]
    [InlineData("up", GraphUnit.Number)]
    public void TheUnitComesFromTheMetricNamesAndTheShapeOfTheExpression(string query, GraphUnit unit) =>
        Assert.Equal(unit, GraphExpression.UnitOf(query));

    [Theory]
    [InlineData(GraphUnit.Seconds, 0.5, 0.5, "500 ms")]
    [InlineData(GraphUnit.Seconds, 2.4, 1.8, "1.8 s")]
    [InlineData(GraphUnit.Ratio, 0.1, 0.025, "2.5 %")]
    [InlineData(GraphUnit.Number, 250, 0.4217, "0.42")]
    public void SecondsAreWrittenInMillisecondsBelowOneSecondAndRatiosInPercent(GraphUnit unit, double largest, double value, string text) =>
        Assert.Equal(text, GraphScale.For(unit, largest).Format(value));

    [Fact]
    public void TheStepFitsAboutTwoHundredPointsIntoTheWindowInWholeSeconds()
    {
        var start = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
        var range = GraphRange.Fit(new AlertWindow(start, start.AddMinutes(40)), start.AddHours(1), 200);

        Assert.Equal(TimeSpan.FromSeconds(12), range.Step);
        Assert.Equal(201, range.Points);
    }

    [Fact]
    public void AFiringAlertsWindowEndsNowNotInTheFuture()
    {
        var start = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
        var now = start.AddMinutes(10);
        var range = GraphRange.Fit(new AlertWindow(start, start.AddMinutes(15)), now, 200);

        Assert.Equal(now, range.End);
        Assert.Equal(TimeSpan.FromSeconds(3), range.Step);
        Assert.InRange(range.Points, 195, 205);
    }

    [Fact]
    public void AShortWindowStepsOneSecond()
    {
        var start = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
        var range = GraphRange.Fit(new AlertWindow(start, start.AddSeconds(30)), start.AddHours(1), 200);

        Assert.Equal(TimeSpan.FromSeconds(1), range.Step);
    }
}
