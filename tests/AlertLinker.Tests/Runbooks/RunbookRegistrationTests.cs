using AlertLinker.Backends;
using AlertLinker.Runbooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Runbooks;

public class RunbookRegistrationTests
{
    private static IHost Host(string directory)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AlertLinker:Runbooks:Directory"] = directory });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<BackendDirectory>();
        builder.Services.AddRunbooks();
        return builder.Build();
    }

    [Fact]
    public async Task ABrokenTemplateStopsStartUpWithFileLineColumnAndReason()
    {
        using var folder = new RunbookFolder(
            ("ok.sbn", RunbookFolder.Runbook("fine")),
            ("broken.sbn", "---\nmatch: {}\n---\n{{ if service }}\n{{ service | }}\n{{ end }}\n"));
        using var host = Host(folder.Path);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(CancellationToken.None));

        Assert.Matches(@"runbook template .*broken\.sbn:5:\d+: ", error.Message);
    }

    [Fact]
    public async Task AMissingFolderStopsStartUpNamingThePlacesTried()
    {
        using var host = Host("no/such/runbooks");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(CancellationToken.None));

        Assert.Contains("AlertLinker:Runbooks:Directory 'no/such/runbooks' does not exist (looked in ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodFolderStartsAndTheRendererUsesIt()
    {
        using var folder = new RunbookFolder(("ok.sbn", RunbookFolder.Runbook("for {{ service }}")));
        using var host = Host(folder.Path);

        await host.StartAsync(CancellationToken.None);
        var renderer = host.Services.GetRequiredService<IRunbookRenderer>();

        Assert.True(renderer.IsReady);
        Assert.Equal("for inventory-service", Assert.Single(renderer.Render(RunbookTestData.Alert(), [])).Text);
        await host.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void TheDefaultFolderIsFoundBesideTheBinaryWhenTheCurrentDirectoryHasNone()
    {
        using var elsewhere = new RunbookFolder();
        var deep = Directory.CreateDirectory(Path.Combine(elsewhere.Path, "a", "b", "c")).FullName;

        var found = RunbookOptions.ResolveDirectory(RunbookOptions.DefaultDirectory, deep, AppContext.BaseDirectory, out var tried);

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "templates", "runbooks"), found);
        Assert.True(File.Exists(Path.Combine(found!, "database-saturation.sbn")));
        Assert.Equal(4, tried.Count);
    }

    [Fact]
    public void TheCurrentDirectoryComesFirst()
    {
        using var folder = new RunbookFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "templates", "runbooks"));

        var found = RunbookOptions.ResolveDirectory(RunbookOptions.DefaultDirectory, folder.Path, AppContext.BaseDirectory, out _);

        Assert.Equal(Path.Combine(folder.Path, "templates", "runbooks"), found);
    }

    [Fact]
    public void DotnetRunFromTheProjectFolderFindsTheReposTemplates()
    {
        var repo = Tests.TestSupport.SharedFixtures.FindRepoRoot();

        var found = RunbookOptions.ResolveDirectory(RunbookOptions.DefaultDirectory, Path.Combine(repo, "src", "AlertLinker"), AppContext.BaseDirectory, out _);

        Assert.Equal(Path.Combine(repo, "templates", "runbooks"), found);
    }

    [Fact]
    public void TheShippedTemplatesPassValidation()
    {
        var validator = new RunbookTemplatesValidator(new RunbookCatalog());

        var result = validator.Validate(null, new RunbookOptions { Directory = Path.Combine(AppContext.BaseDirectory, RunbookOptions.DefaultDirectory) });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
