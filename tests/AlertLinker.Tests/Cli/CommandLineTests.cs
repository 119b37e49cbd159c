using AlertLinker.Cli;
using AlertLinker.Tests.Configuration;

namespace AlertLinker.Tests.Cli;

public class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task HelpPrintsTheCommandsAndExitsZeroWithoutStartingTheServer(string flag)
    {
        using var output = new StringWriter();

        var exit = await CommandLine.RunAsync([flag], output, TextWriter.Null);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("templates check [DIR] [--with BODY.json …]", text, StringComparison.Ordinal);
        Assert.Contains("notifications list [--failed]", text, StringComparison.Ordinal);
        Assert.Contains("notifications retry (--failed | ID…)", text, StringComparison.Ordinal);
        Assert.Contains("serve: run the webhook service (the default)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("templates")]
    [InlineData("templates", "lint")]
    public async Task TemplatesWithoutAKnownSubCommandPrintsUsageAndExitsTwo(params string[] args)
    {
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(args, TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains("templates check [DIR]", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServersOwnArgumentsAreLeftToTheServer()
    {
        Assert.Null(await CommandLine.RunAsync(["--AlertLinker:Slack:Mode=Webhook"], TextWriter.Null, TextWriter.Null));
        Assert.Null(await CommandLine.RunAsync([], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public async Task TheBuiltServiceAnswersHelpAndExitsWithoutStartingAHost()
    {
        var exit = await ServiceProcess.RunToExitAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), ["--help"]);

        Assert.Equal(0, exit.Code);
        Assert.Contains("templates check [DIR] [--with BODY.json …]", exit.Stdout, StringComparison.Ordinal);
        // A host that started would log where it listens and what it loaded.
        Assert.DoesNotContain("listening", exit.All, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Loaded", exit.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBuiltServiceRefusesTemplatesWithoutASubCommandWithExitTwo()
    {
        var exit = await ServiceProcess.RunToExitAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), ["templates"]);

        Assert.Equal(2, exit.Code);
        Assert.Contains("Usage: AlertLinker", exit.Stderr, StringComparison.Ordinal);
    }
}
