using System.Text.Json;
using System.Xml.Linq;
using AlertLinker.Operability;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.EndToEnd.Harness;

namespace AlertLinker.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile. No container engine runs on these machines (docker is a client only, and no registry is
/// reachable), so the image is not built here; the Dockerfile is read, and its runtime stage is reproduced: the
/// published output started exactly as its ENTRYPOINT, with its ENV, paths mapped onto temp folders.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DockerfileTests
{
    private static readonly Dockerfile File = Dockerfile.Read();

    [Fact]
    public void TheImageBuildsWithTheSdkAndRunsOnTheAspNetRuntimeOfTheProjectsFramework()
    {
        var framework = XDocument.Load(DeployFiles.PathOf("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        var version = framework["net".Length..];

        Assert.True(File.Stages.Count >= 2, "a multi-stage build: the SDK never ships in the image");
        var build = File.Stages[0];
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{version}", build.Image);
        Assert.Contains(build.All("RUN"), run => run.Contains("dotnet publish", StringComparison.Ordinal) && run.Contains("-c Release", StringComparison.Ordinal));
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{version}", File.Runtime.Image);
        Assert.Contains(File.Runtime.All("COPY"), copy => copy.StartsWith($"--from={build.Name} ", StringComparison.Ordinal));
        // The runbook templates are in the build context of the publish (they ship as Content under templates/).
        Assert.Contains(build.All("COPY"), copy => copy.StartsWith("templates/", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRuntimeRunsAsNonRootOnTheServicesPortWithSqliteOnTheDataVolume()
    {
        var runtime = File.Runtime;

        var user = Assert.Single(runtime.All("USER"));
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.Equal(ListenAddress.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(runtime.All("EXPOSE")));
        var volume = Assert.Single(runtime.All("VOLUME"));
        Assert.Equal("/data", volume);
        Assert.Equal(volume, Path.GetDirectoryName(runtime.Environment["AlertLinker__Storage__Path"]));
        // The volume's folder exists and belongs to the user before USER switches to it.
        Assert.Contains(runtime.All("RUN"), run => run.Contains("mkdir", StringComparison.Ordinal) && run.Contains("/data", StringComparison.Ordinal) && run.Contains("chown", StringComparison.Ordinal));
        var problems = runtime.Environment.Keys.Select(ConfigurationKeys.ProblemWith).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheDockerIgnoreFileKeepsWhatTheBuildCopies()
    {
        var ignored = DeployFiles.Read("deploy/Dockerfile.dockerignore").Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copied = File.Stages[0].All("COPY")
            .SelectMany(copy => copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Where(source => !source.StartsWith("--", StringComparison.Ordinal));

        foreach (var source in copied)
        {
            Assert.True(System.IO.File.Exists(DeployFiles.PathOf(source)) || Directory.Exists(DeployFiles.PathOf(source)), $"COPY {source}: no such path");
            Assert.DoesNotContain(ignored, pattern => !pattern.StartsWith("**", StringComparison.Ordinal) && source.StartsWith(pattern, StringComparison.Ordinal));
        }
    }

    [NetworkNamespaceFact]
    public async Task ThePublishedOutputStartedAsTheEntryPointListensOnAllInterfacesOf8080AndIsReady()
    {
        var published = await PublishedService.GetAsync();
        using var data = new TempDirectory("docker-data");
        var workdir = Assert.Single(File.Runtime.All("WORKDIR"));
        // The image's paths on this machine: WORKDIR is the published folder, the volume a temp folder.
        string Mapped(string value) => value
            .Replace("/data", data.Path, StringComparison.Ordinal)
            .Replace(workdir, published, StringComparison.Ordinal);
        var environment = File.Runtime.Environment.ToDictionary(e => e.Key, e => (string?)Mapped(e.Value));
        environment["DOTNET_NOLOGO"] = "1";
        var entryPoint = File.Runtime.EntryPoint.Select(Mapped).ToList();

        await using var service = NetworkNamespace.Start("alertlinker-image", published, entryPoint, environment);
        await NetworkNamespace.WaitUntilOkAsync(service, $"http://127.0.0.1:{ListenAddress.DefaultPort}/readyz", AlertLinkerProcess.StartTimeout);

        Assert.Contains(("0.0.0.0", ListenAddress.DefaultPort), NetworkNamespace.Listening(service.Id));
        Assert.Equal((200, "Healthy"), NetworkNamespace.Get(service.Id, $"http://127.0.0.1:{ListenAddress.DefaultPort}/healthz"));
        using var ready = JsonDocument.Parse(NetworkNamespace.Get(service.Id, $"http://127.0.0.1:{ListenAddress.DefaultPort}/readyz").Body);
        Assert.Equal("healthy", ready.RootElement.GetProperty("status").GetString());
        // SQLite on the volume; the runbook templates from the image's own templates/ folder.
        Assert.True(System.IO.File.Exists(Path.Combine(data.Path, "alertlinker.db")), service.Describe());
        Assert.Contains($"from {Path.Combine(published, "templates", "runbooks")}", service.Output, StringComparison.Ordinal);
    }
}
