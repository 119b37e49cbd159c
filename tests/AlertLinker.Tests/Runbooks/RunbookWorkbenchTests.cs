using AlertLinker.Runbooks;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Runbooks;

/// <summary>The playground's view of the runbook set: the loaded texts, and renderers of the set with files replaced in memory.</summary>
public sealed class RunbookWorkbenchTests : IDisposable
{
    private readonly RunbookFolder folder = new(
        ("_part.sbn", "from the partial"),
        ("a.sbn", RunbookFolder.Runbook("A says {{ include \"_part\" }}", title: "A")));

    public void Dispose() => folder.Dispose();

    private RunbookWorkbench Workbench(out ScribanRunbookRenderer renderer)
    {
        var options = new RunbookOptions { Directory = folder.Path };
        renderer = RunbookTestData.Renderer(folder.Load(), options);
        return new RunbookWorkbench(renderer, Options.Create(options));
    }

    private static string Rendered(IRunbookRenderer renderer) =>
        string.Join("|", renderer.Render(RunbookTestData.Alert(), []).Select(r => r.Error ?? r.Text));

    [Fact]
    public void TheFilesAreTheLoadedSetsTextsWithTheirKinds()
    {
        var files = Workbench(out _).Files();

        Assert.Equal([("_part.sbn", "partial", null), ("a.sbn", "runbook", "A")], files.Select(f => (f.File, f.Kind, f.Title)));
        Assert.Equal(File.ReadAllText(Path.Combine(folder.Path, "a.sbn")), files[1].Text);
    }

    [Fact]
    public void AnOverrideSetReplacesAndAddsFilesForOneRendererAndLeavesTheServicesSetAlone()
    {
        var workbench = Workbench(out var service);

        var (renderer, problems) = workbench.With(new Dictionary<string, string>
        {
            ["_part.sbn"] = "from the edited partial",
            ["b.sbn"] = RunbookFolder.Runbook("B is new", title: "B", order: 200),
        });

        Assert.Empty(problems);
        Assert.Equal("A says from the edited partial|B is new", Rendered(renderer));
        Assert.Equal("A says from the partial", Rendered(service));
        Assert.Equal(["_part.sbn", "a.sbn"], Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnOverrideThatDoesNotParseIsAProblemAtItsLineAndTheOthersStillRender()
    {
        var (renderer, problems) = Workbench(out _).With(new Dictionary<string, string>
        {
            ["b.sbn"] = RunbookFolder.Runbook("ok\n{{ end }}", title: "B"),
        });

        var problem = Assert.Single(problems);
        Assert.Equal(("b.sbn", 7), (problem.File, problem.Line));
        Assert.Equal("A says from the partial", Rendered(renderer));
    }

    [Theory]
    [InlineData("Runbook 'A' could not be rendered: a.sbn:3:14: boom: x", "a.sbn", 3, 14)]
    [InlineData("/srv/templates/runbooks/_lib.sbn:12:1: Expecting <end>", "_lib.sbn", 12, 1)]
    [InlineData("templates/runbooks/my-book.v2.sbn:1:1: cannot read the file: denied", "my-book.v2.sbn", 1, 1)]
    [InlineData("Runbook 'A' could not be rendered: a.sbn: 'soon' is not a duration", "a.sbn", null, null)]
    [InlineData("Runbook 'A' could not be rendered: took longer than 1000 ms to render and was stopped", null, null, null)]
    public void AProblemIsReadForItsFileLineAndColumn(string message, string? file, int? line, int? column)
    {
        var problem = RunbookProblem.Parse(message);

        Assert.Equal((file, line, column, message), (problem.File, problem.Line, problem.Column, problem.Message));
    }
}
