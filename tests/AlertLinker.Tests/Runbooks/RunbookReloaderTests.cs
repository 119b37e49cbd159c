using AlertLinker.Runbooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Runbooks;

public class RunbookReloaderTests
{
    [Fact]
    public void AnEditedTemplateIsRenderedAfterReload()
    {
        using var folder = new RunbookFolder(("r.sbn", RunbookFolder.Runbook("old")));
        var renderer = RunbookTestData.Renderer(folder.Load());
        using var reloader = Reloader(renderer);

        File.WriteAllText(Path.Combine(folder.Path, "r.sbn"), RunbookFolder.Runbook("new"));
        reloader.Reload();

        Assert.Equal("new", Assert.Single(renderer.Render(RunbookTestData.Alert(), [])).Text);
    }

    [Fact]
    public void ABrokenEditKeepsThePreviousTemplates()
    {
        using var folder = new RunbookFolder(("r.sbn", RunbookFolder.Runbook("old")));
        var renderer = RunbookTestData.Renderer(folder.Load());
        using var reloader = Reloader(renderer);

        File.WriteAllText(Path.Combine(folder.Path, "r.sbn"), RunbookFolder.Runbook("{{ if }}"));
        reloader.Reload();

        Assert.Equal("old", Assert.Single(renderer.Render(RunbookTestData.Alert(), [])).Text);
    }

    [Fact]
    public void ABrokenEditIsReportedWithItsLineUntilAGoodEditReplacesIt()
    {
        using var folder = new RunbookFolder(("r.sbn", RunbookFolder.Runbook("old")));
        var renderer = RunbookTestData.Renderer(folder.Load());
        using var reloader = Reloader(renderer);
        Assert.Empty(renderer.StaleBecause);

        File.WriteAllText(Path.Combine(folder.Path, "r.sbn"), RunbookFolder.Runbook("{{ if }}"));
        reloader.Reload();
        Assert.All(renderer.StaleBecause, problem => Assert.Matches(@"r\.sbn:\d+:\d+: ", problem));
        Assert.NotEmpty(renderer.StaleBecause);

        File.WriteAllText(Path.Combine(folder.Path, "r.sbn"), RunbookFolder.Runbook("new"));
        reloader.Reload();
        Assert.Empty(renderer.StaleBecause);
    }

    [Fact]
    public async Task AFileChangeTriggersAReloadOnceChangesSettle()
    {
        using var folder = new RunbookFolder(("r.sbn", RunbookFolder.Runbook("old")));
        var renderer = RunbookTestData.Renderer(folder.Load());
        var time = new FakeTimeProvider();
        using var reloader = Reloader(renderer, time);
        await reloader.StartAsync(CancellationToken.None);

        await File.WriteAllTextAsync(Path.Combine(folder.Path, "added.sbn"), RunbookFolder.Runbook("added", order: 1));
        // File events arrive on their own thread; only the fake clock ends the debounce. Bounded, no sleeping.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (renderer.Library.Runbooks.Count < 2 && DateTime.UtcNow < deadline)
        {
            time.Advance(RunbookReloader.Debounce);
            await Task.Yield();
        }

        Assert.Equal(["added", "old"], renderer.Render(RunbookTestData.Alert(), []).Select(r => r.Text));
        await reloader.StopAsync(CancellationToken.None);
    }

    private static RunbookReloader Reloader(ScribanRunbookRenderer renderer, TimeProvider? time = null) =>
        new(renderer, Options.Create(new RunbookOptions()), time ?? new FakeTimeProvider(), NullLogger<RunbookReloader>.Instance);
}
