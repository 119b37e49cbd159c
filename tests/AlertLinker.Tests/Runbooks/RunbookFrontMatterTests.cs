using AlertLinker.Runbooks;

namespace AlertLinker.Tests.Runbooks;

public class RunbookFrontMatterTests
{
    [Fact]
    public void FrontMatterGivesTitleOrderAndEachMatchLineAsOneSelector()
    {
        const string text = "---\ntitle: \"DB saturation\"\norder: 5\n# a comment\nmatch: alertname=~\".*DB.*\", severity=\"critical\"\nmatch: runbook=\"db\"\n---\nbody\n";
        var problems = new List<RunbookFrontMatter.Problem>();

        var frontMatter = RunbookFrontMatter.Parse(text, problems);

        Assert.Empty(problems);
        Assert.NotNull(frontMatter);
        Assert.Equal("DB saturation", frontMatter.Title);
        Assert.Equal(5, frontMatter.Order);
        Assert.Equal(2, frontMatter.Selectors.Count);
        Assert.Equal(2, frontMatter.Selectors[0].Count);
        Assert.Equal("body\n", text[frontMatter.ContentOffset..]);
        Assert.Equal(7, frontMatter.ContentLine);
    }

    [Fact]
    public void MatchAlsoTakesAYamlStyleList()
    {
        const string text = "---\nmatch:\n  - severity=\"critical\"\n  - {team=\"db\"}\n---\n";
        var problems = new List<RunbookFrontMatter.Problem>();

        var frontMatter = RunbookFrontMatter.Parse(text, problems);

        Assert.Empty(problems);
        Assert.Equal(2, frontMatter!.Selectors.Count);
        Assert.Equal(RunbookFrontMatter.DefaultOrder, frontMatter.Order);
        Assert.Null(frontMatter.Title);
    }

    [Theory]
    [InlineData("body only", 0, "starts with a front matter block")]
    [InlineData("---\nmatch: {}\n", 0, "no closing '---'")]
    [InlineData("---\ntitle: x\n---\n", 2, "no 'match:' line")]
    [InlineData("---\nmach: {}\n---\n", 1, "unknown front matter key 'mach'")]
    [InlineData("---\nmatch: {}\norder: first\n---\n", 2, "order must be a whole number")]
    [InlineData("---\nmatch: severity=~\"(\"\n---\n", 1, "invalid regex")]
    public void ProblemsCarryTheirLine(string text, int line, string message)
    {
        var problems = new List<RunbookFrontMatter.Problem>();

        RunbookFrontMatter.Parse(text, problems);

        var problem = Assert.Single(problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadMatcherIsReportedAtItsColumnInTheFile()
    {
        var problems = new List<RunbookFrontMatter.Problem>();

        RunbookFrontMatter.Parse("---\nmatch: {a=\"x\" b=\"y\"}\n---\n", problems);

        var problem = Assert.Single(problems);
        Assert.Equal(1, problem.Line);
        Assert.Equal(14, problem.Column); // the space before b, 0-based
    }
}
