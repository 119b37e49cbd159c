using AlertLinker.Runbooks;
using AlertLinker.Tests.TestSupport;
using Xunit.Abstractions;

namespace AlertLinker.Tests.Runbooks;

/// <summary>The runbook shipped in templates/runbooks/database-saturation.sbn, rendered from the repo's own file.</summary>
public class DatabaseSaturationRunbookTests(ITestOutputHelper output)
{
    private static readonly string Directory = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");

    private static RunbookLibrary Library()
    {
        var errors = new List<string>();
        var library = RunbookLoader.Load(Directory, errors);
        Assert.Empty(errors);
        return library;
    }

    [Fact]
    public void RendersTheConcreteSearchForTheAlertsServiceAndWindowInEveryBackend()
    {
        var jaeger = new FakeTraceBackend("jaeger-prod", "Jaeger");
        var tempo = new FakeTraceBackend("tempo-prod", "Tempo");
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(jaeger, tempo));

        var rendered = renderer.Render(RunbookTestData.Alert(), []);

        var runbook = Assert.Single(rendered, r => r.Name == "database-saturation");
        Assert.Null(runbook.Error);
        Assert.Equal("Database saturation", runbook.Title);
        // The first search: db.system = postgresql, for this service and this window, no threshold.
        var first = jaeger.LinkedSearches[0];
        Assert.Equal("inventory-service", first.Service);
        Assert.Equal(RunbookTestData.Start, first.Window.Start);
        Assert.Equal(RunbookTestData.End, first.Window.End);
        Assert.Equal("postgresql", first.Attributes["db.system"]);
        Assert.Null(first.MinDuration);
        Assert.Contains(jaeger.LinkedSearches, s => s.MinDuration == TimeSpan.FromMilliseconds(500));
        Assert.Contains(jaeger.LinkedSearches, s => s.ErrorsOnly);
        Assert.Equal(jaeger.LinkedSearches.Count, tempo.LinkedSearches.Count);
        Assert.Contains(
            "<https://jaeger-prod.example.com/search?service=inventory-service&amp;start=1795456800000000&amp;end=1795458000000000&amp;tags=db.system%3Dpostgresql&amp;minDuration=0ms&amp;errors=False&amp;limit=20|jaeger-prod>",
            runbook.Slack(), StringComparison.Ordinal);
        Assert.Contains("<https://tempo-prod.example.com/search?service=inventory-service", runbook.Slack(), StringComparison.Ordinal);
        Assert.Contains("`{ resource.service.name = \"inventory-service\" &amp;&amp; .db.system = \"postgresql\" }`", runbook.Slack(), StringComparison.Ordinal);
        Assert.Contains("`{ resource.service.name = \"inventory-service\" &amp;&amp; .db.system = \"postgresql\" &amp;&amp; duration &gt; 500ms }`", runbook.Slack(), StringComparison.Ordinal);
        Assert.Contains("status = error }`", runbook.Slack(), StringComparison.Ordinal);
        Assert.Contains("2026-11-23T18:00:00Z → 2026-11-23T18:20:00Z", runbook.Slack(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PostgresConnectionPoolSaturated", null, true)]
    [InlineData("DatabaseSlowQueries", null, true)]
    [InlineData("db_connections_high", null, true)]
    [InlineData("HighLatency", "database-saturation", true)]
    [InlineData("HighLatency", null, false)]
    [InlineData("PostgresDown", null, false)]
    public void MatchesDatabaseSaturationAlertsByNameOrByLabel(string alertname, string? runbookLabel, bool expected)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = alertname };
        if (runbookLabel is not null)
            labels["runbook"] = runbookLabel;
        var renderer = RunbookTestData.Renderer(Library());

        var rendered = renderer.Render(RunbookTestData.Alert(name: alertname, labels: labels), []);

        Assert.Equal(expected, rendered.Any(r => r.Name == "database-saturation"));
    }

    [Fact]
    public void WithoutAServiceItSaysSoInsteadOfSearchingEverything()
    {
        var jaeger = new FakeTraceBackend("jaeger-prod", "Jaeger");
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(jaeger));

        var runbook = Assert.Single(renderer.Render(RunbookTestData.Alert(service: null), []), r => r.Name == "database-saturation");

        Assert.Null(runbook.Error);
        Assert.Empty(jaeger.LinkedSearches);
        Assert.Contains("names no service", runbook.Slack(), StringComparison.Ordinal);
    }

    [Fact]
    public void PrintsAsItWouldLookInSlack()
    {
        var renderer = RunbookTestData.Renderer(Library(), backends: RunbookTestData.Backends(new FakeTraceBackend("jaeger-prod", "Jaeger")));

        var runbook = Assert.Single(renderer.Render(RunbookTestData.Alert(), []), r => r.Name == "database-saturation");

        output.WriteLine(runbook.Text);
        Assert.DoesNotContain("\n\n\n", runbook.Text, StringComparison.Ordinal);
    }
}
