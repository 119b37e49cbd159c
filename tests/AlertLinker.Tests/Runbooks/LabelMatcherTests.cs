using AlertLinker.Runbooks;

namespace AlertLinker.Tests.Runbooks;

public class LabelMatcherTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["alertname"] = "PostgresConnectionPoolSaturated",
        ["severity"] = "critical",
        ["service.name"] = "inventory",
    };

    [Theory]
    [InlineData("severity=\"critical\"", true)]
    [InlineData("severity=critical", true)]
    [InlineData("{severity=\"warning\"}", false)]
    [InlineData("severity!=\"warning\"", true)]
    [InlineData("alertname=~\"(?i).*postgres.*pool.*\"", true)]
    [InlineData("alertname=~\"Postgres\"", false)] // anchored like Prometheus
    [InlineData("alertname!~\".*Mysql.*\"", true)]
    [InlineData("team=\"\"", true)] // an absent label is ""
    [InlineData("{severity=\"critical\", alertname=~\".*Pool.*\"}", true)]
    [InlineData("{severity=\"critical\", alertname=~\".*Redis.*\"}", false)]
    [InlineData("\"service.name\"=\"inventory\"", true)]
    [InlineData("service.name=inventory", true)]
    [InlineData("{}", true)]
    public void SelectorMatchesLikeAlertmanager(string selector, bool expected)
    {
        var matchers = LabelMatcher.ParseSelector(selector, out var error);

        Assert.Null(error);
        Assert.Equal(expected, matchers.All(m => m.Matches(Labels)));
    }

    [Fact]
    public void BackslashesInQuotedRegexesNeedNoDoubling()
    {
        var single = LabelMatcher.ParseSelector("code=~\"5\\d\\d\"", out _);
        var doubled = LabelMatcher.ParseSelector("code=~\"5\\\\d\\\\d\"", out _);
        var labels = new Dictionary<string, string> { ["code"] = "503" };

        Assert.True(single[0].Matches(labels));
        Assert.True(doubled[0].Matches(labels));
    }

    [Theory]
    [InlineData("severity", 8, "expected =, !=, =~ or !~")]
    [InlineData("alertname=~\"(unclosed\"", 11, "invalid regex")]
    [InlineData("a=\"x", 2, "unterminated string")]
    [InlineData("{a=\"x\" b=\"y\"}", 7, "expected ',' or '}'")]
    [InlineData("", 0, "empty selector")]
    public void BadSelectorsSayWhatAndWhere(string selector, int column, string message)
    {
        LabelMatcher.ParseSelector(selector, out var error);

        Assert.NotNull(error);
        Assert.Equal(column, error.Value.Column);
        Assert.Contains(message, error.Value.Message, StringComparison.Ordinal);
    }
}
