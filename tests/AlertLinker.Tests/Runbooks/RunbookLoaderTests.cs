using AlertLinker.Runbooks;

namespace AlertLinker.Tests.Runbooks;

public class RunbookLoaderTests
{
    [Fact]
    public void RunbooksAreOrderedByOrderThenNameAndPartialsKeptApart()
    {
        using var folder = new RunbookFolder(
            ("b.sbn", RunbookFolder.Runbook("b", order: 20)),
            ("a.sbn", RunbookFolder.Runbook("a", order: 20)),
            ("z.sbn", RunbookFolder.Runbook("z", order: 1)),
            ("_links.sbn", "partial {{ service }}"),
            ("notes.txt", "ignored"));

        var library = folder.Load();

        Assert.Equal(["z", "a", "b"], library.Runbooks.Select(r => r.Name));
        Assert.Equal(["_links"], library.Partials.Keys);
    }

    [Fact]
    public void ABrokenTemplateIsReportedAsFileLineColumnAndReason()
    {
        using var folder = new RunbookFolder(
            ("good.sbn", RunbookFolder.Runbook("fine")),
            ("broken.sbn", "---\ntitle: Broken\nmatch: {}\n---\nline 5\n{{ for x in backends }}\n{{ x.name + }}\n{{ end }}\n"));

        var library = folder.Load(out var errors);

        var error = Assert.Single(errors);
        Assert.Matches(@"broken\.sbn:7:13: .*Expecting an <expression> to the right of the operator", error);
        Assert.Equal(["good"], library.Runbooks.Select(r => r.Name));
    }

    [Fact]
    public void AnUnclosedBlockIsReportedToo()
    {
        using var folder = new RunbookFolder(("open.sbn", RunbookFolder.Runbook("{{ if service }}\nno end\n")));

        folder.Load(out var errors);

        Assert.Contains(errors, e => e.Contains("open.sbn:", StringComparison.Ordinal) && e.Contains("end", StringComparison.Ordinal));
    }

    [Fact]
    public void FrontMatterProblemsAreReportedWithTheirFileLineColumn()
    {
        using var folder = new RunbookFolder(("typo.sbn", "---\ntitle: x\nmatch: severity=~\"(\"\n---\nbody"));

        folder.Load(out var errors);

        var error = Assert.Single(errors);
        Assert.Matches(@"typo\.sbn:3:18: match: invalid regex for 'severity'", error);
    }
}
