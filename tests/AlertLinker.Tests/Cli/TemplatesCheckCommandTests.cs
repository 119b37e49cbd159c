using AlertLinker.Cli;
using AlertLinker.Tests.Runbooks;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Cli;

public class TemplatesCheckCommandTests
{
    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error);
        Assert.NotNull(exit);
        return (exit.Value, output.ToString() + error);
    }

    [Fact]
    public async Task ATemplateThatParsesButReadsAMemberOfNullFailsWithItsFileAndLine()
    {
        using var folder = new RunbookFolder(("the-file.sbn", RunbookFolder.Runbook("First line\n{{ alert.nosuch.deeper }}\n")));

        var (exit, output) = await Run("templates", "check", folder.Path);

        Assert.Equal(1, exit);
        // The front matter is 5 lines: the body's second line is line 7.
        Assert.Contains("the-file.sbn:7:", output, StringComparison.Ordinal);
        Assert.Contains("nosuch", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingLabelIsNotAnErrorBecauseTemplatesTestForIt()
    {
        using var folder = new RunbookFolder(("ok.sbn", RunbookFolder.Runbook("{{ labels.no_such_label ?? \"none\" }} {{ findings[0].headline.summary }}")));

        var (exit, output) = await Run("templates", "check", folder.Path);

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task AnEndlessLoopFailsWithItsFileAndLine()
    {
        using var folder = new RunbookFolder(("loop.sbn", RunbookFolder.Runbook("{{ while true }}x{{ end }}")));

        var (exit, output) = await Run("templates", "check", folder.Path);

        Assert.Equal(1, exit);
        Assert.Matches(@"loop\.sbn:6:\d+: .*(loop|limit)", output);
    }

    [Fact]
    public async Task EndlessRecursionFailsWithItsFileAndLine()
    {
        using var folder = new RunbookFolder(("deep.sbn", RunbookFolder.Runbook("{{ func down\n  down\nend }}{{ down }}")));

        var (exit, output) = await Run("templates", "check", folder.Path);

        Assert.Equal(1, exit);
        Assert.Matches(@"deep\.sbn:\d+:\d+: ", output);
    }

    [Fact]
    public async Task TheShippedTemplatesRenderAgainstTheSamplesOfEverySource()
    {
        var (exit, output) = await Run("templates", "check", Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks"));

        Assert.True(exit == 0, output);
        Assert.Contains("7 runbooks and 1 partials OK, rendered against 4 sample alert(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGivenWebhookBodyIsParsedByItsSourceAndRenderedToo()
    {
        var body = SharedFixtures.PathOf("webhooks/grafana/grafana-docs-webhook-firing-2-alerts.json");
        using var folder = new RunbookFolder(("the-file.sbn", RunbookFolder.Runbook(
            // Fails only for alerts that are not built-in samples (their fingerprints say "sample"): the body's.
            "{{ if !(alert.fingerprint | string.contains \"-sample\"); alert.nosuch.deeper; end }}")));

        var (exit, output) = await Run("templates", "check", folder.Path, "--with", body);

        Assert.Equal(1, exit);
        Assert.Contains($"the-file.sbn:6:", output, StringComparison.Ordinal);
        Assert.Contains($"(rendering {body} '", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGivenBodyOfNoKnownSourceFails()
    {
        using var folder = new RunbookFolder(("ok.sbn", RunbookFolder.Runbook("fine")));
        var body = Path.Combine(folder.Path, "not-a-webhook.json");
        await File.WriteAllTextAsync(body, "{\"hello\": 1}");

        var (exit, output) = await Run("templates", "check", folder.Path, "--with", body);

        Assert.Equal(1, exit);
        Assert.Contains("not-a-webhook.json: not a webhook body of any source", output, StringComparison.Ordinal);
    }
}
