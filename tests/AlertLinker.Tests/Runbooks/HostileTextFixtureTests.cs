using System.Text.Json;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Runbooks;

/// <summary>The real hostile-text Alertmanager capture, printed by a runbook: nothing in it may ping, link or mention.</summary>
public class HostileTextFixtureTests
{
    [Fact]
    public void TheHostileCaptureComesOutHarmless()
    {
        using var json = JsonDocument.Parse(SharedFixtures.Read("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json"));
        var alert = json.RootElement.GetProperty("alerts")[0];
        var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var annotations = alert.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        using var folder = new RunbookFolder(("all.sbn", RunbookFolder.Runbook(
            "{{ alert.name }}\n{{ for a in annotations }}{{ a.key }}: {{ a.value }}\n{{ end }}{{ for l in labels }}{{ l.key }}={{ l.value }}\n{{ end }}{{ slack_link \"https://runbooks.example.com\" annotations.summary }}")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var text = Assert.Single(renderer.Render(RunbookTestData.Alert(name: labels["alertname"], labels: labels, annotations: annotations), [])).Slack();

        Assert.Contains("Primary &lt;!channel&gt; down &amp; &lt;https://evil.example.com|click here&gt;", text, StringComparison.Ordinal);
        Assert.Contains("&lt;@U012AB3CD&gt;", text, StringComparison.Ordinal);
        Assert.Contains("café ✓ 🚨", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
        // The only raw link is the one the template built.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "<http"));
    }

    [Fact]
    public void TheReadmeHelperExampleRenders()
    {
        var readme = File.ReadAllText(Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "README.md"));
        var start = readme.IndexOf("{{~ for search in trace_search", StringComparison.Ordinal);
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        using var folder = new RunbookFolder(("example.sbn", RunbookFolder.Runbook(example)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), [RunbookTestData.Section()]));

        Assert.Null(rendered.Error);
        Assert.Contains("minDuration=500ms", rendered.Slack(), StringComparison.Ordinal);
        Assert.Contains("status = error", rendered.Slack(), StringComparison.Ordinal);
        Assert.Contains("<https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736|4bf92f3577b34da6a3ce929d0e0e4736> (800.5 ms)", rendered.Slack(), StringComparison.Ordinal);
    }
}
