using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Tests.Analysis;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Runbooks;

/// <summary>The examples of templates/README.md render as the text around them says.</summary>
public class TemplatesReadmeTests
{
    private static readonly string Root = SharedFixtures.FindRepoRoot();

    private static string Example(string startsWith)
    {
        var readme = File.ReadAllText(Path.Combine(Root, "templates", "README.md"));
        var start = readme.IndexOf(startsWith, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no example starting with {startsWith}");
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void TheLibExampleSearchesEveryBackendWithThePartialsFunctions()
    {
        using var folder = new RunbookFolder(
            ("example.sbn", RunbookFolder.Runbook(Example("{{- include \"_lib\" }}"))),
            ("_lib.sbn", File.ReadAllText(Path.Combine(Root, "templates", "runbooks", "_lib.sbn"))));
        var jaeger = new FakeTraceBackend("jaeger", "Jaeger");
        var renderer = RunbookTestData.Renderer(folder.Load(), backends: RunbookTestData.Backends(jaeger));

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.True(rendered.Error is null, rendered.Error);
        Assert.StartsWith("*Slow calls to the ledger:*\n• <https://jaeger.example.com/search?service=inventory-service", rendered.Slack(), StringComparison.Ordinal);
        Assert.Equal("ledger", Assert.Single(jaeger.LinkedSearches).Attributes["peer.service"]);
        Assert.Contains("TraceQL: `{ resource.service.name = \"inventory-service\" &amp;&amp; .peer.service = \"ledger\" &amp;&amp; duration &gt; 300ms }`", rendered.Slack(), StringComparison.Ordinal);
        Assert.EndsWith("Window: 2026-11-23T18:00:00Z → 2026-11-23T18:20:00Z (20 min).", rendered.Slack(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFindingsExampleNamesTheCulprit()
    {
        using var folder = new RunbookFolder(("example.sbn", RunbookFolder.Runbook(Example("{{- for f in findings }}{{ if f.headline }}"))));
        var seed = TraceBuilder.Seed();
        var section = RunbookTestData.Section() with
        {
            Analyses = [new AnalyzedTrace(new TraceSummary(seed.TraceId, null, null, null, null, false, new Uri("https://jaeger.example.com/trace/" + seed.TraceId)), TraceAnalyzer.Analyze(seed))],
        };

        var rendered = Assert.Single(RunbookTestData.Renderer(folder.Load()).Render(RunbookTestData.Alert(), [section]));

        Assert.Equal("Where the time went: *SELECT stock* in inventory-service, 98 % of 800 ms (<https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736|trace>)", rendered.Slack());
    }
}
