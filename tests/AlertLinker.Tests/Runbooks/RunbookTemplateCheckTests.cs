using AlertLinker.Runbooks;

namespace AlertLinker.Tests.Runbooks;

public class RunbookTemplateCheckTests
{
    [Fact]
    public void AGoodFolderPassesWithExitCodeZero()
    {
        using var folder = new RunbookFolder(("ok.sbn", RunbookFolder.Runbook("fine")), ("_p.sbn", "partial"));
        var output = new StringWriter();

        Assert.Equal(0, RunbookTemplateCheck.Run(folder.Path, [], output));
        Assert.Contains("1 runbooks and 1 partials OK", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenFolderListsEveryProblemAndExitsWithOne()
    {
        using var folder = new RunbookFolder(
            ("a.sbn", "no front matter"),
            ("b.sbn", RunbookFolder.Runbook("{{ end }}")));
        var output = new StringWriter();

        Assert.Equal(1, RunbookTemplateCheck.Run(folder.Path, [], output));
        var text = output.ToString();
        Assert.Contains("a.sbn:1:1: a runbook starts with a front matter block", text, StringComparison.Ordinal);
        Assert.Contains("b.sbn:6:6: Error while parsing ScriptPage: Found <end> statement without a corresponding beginning", text, StringComparison.Ordinal);
        Assert.Contains("2 problem(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFolderFails()
    {
        Assert.Equal(1, RunbookTemplateCheck.Run("/no/such/folder", [], new StringWriter()));
    }
}
