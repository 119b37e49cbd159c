using System.Text.Json;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.EndToEnd.Harness;

namespace AlertLinker.Tests.Deploy;

/// <summary>
/// Where the published service listens, as a process in its own network namespace: 0.0.0.0:8080 by default (see
/// <see cref="DockerfileTests"/>), and exactly where --urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS say otherwise.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ListeningTests
{
    public static TheoryData<string, string, string, string> Overrides => new()
    {
        // name, variable or argument, value, the socket expected ("*" = any address of that family)
        { "ASPNETCORE_URLS (what dotnet run sets from launchSettings.json)", "ASPNETCORE_URLS", "http://127.0.0.1:5055", "127.0.0.1:5055" },
        { "ASPNETCORE_HTTP_PORTS (what the .NET container images set)", "ASPNETCORE_HTTP_PORTS", "9191", "*:9191" },
        { "--urls", "--urls", "http://127.0.0.1:7171", "127.0.0.1:7171" },
    };

    [NetworkNamespaceTheory]
    [MemberData(nameof(Overrides))]
    public async Task AConfiguredAddressReplacesTheDefault(string because, string setting, string value, string expected)
    {
        var published = await PublishedService.GetAsync();
        using var data = new TempDirectory("listen");
        var environment = new Dictionary<string, string?> { ["AlertLinker__Storage__Path"] = data.File("alertlinker.db") };
        List<string> command = ["dotnet", "AlertLinker.dll"];
        if (setting.StartsWith("--", StringComparison.Ordinal))
            command.AddRange([setting, value]);
        else
            environment[setting] = value;
        var port = int.Parse(expected.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

        await using var service = NetworkNamespace.Start("alertlinker-listen", published, command, environment);
        await NetworkNamespace.WaitUntilOkAsync(service, $"http://127.0.0.1:{port}/healthz", AlertLinkerProcess.StartTimeout);

        var listening = NetworkNamespace.Listening(service.Id);
        Assert.True(listening.All(s => s.Port == port), $"{because}: listening on {string.Join(", ", listening)}, expected only port {port}");
        if (!expected.StartsWith('*'))
            Assert.Equal([(expected.Split(':')[0], port)], listening);
    }

    [Fact]
    public void DotnetRunKeepsItsLoopbackAddressFromLaunchSettings()
    {
        using var settings = JsonDocument.Parse(DeployFiles.Read("src/AlertLinker/Properties/launchSettings.json"));
        var profiles = settings.RootElement.GetProperty("profiles").EnumerateObject().ToList();

        Assert.NotEmpty(profiles);
        foreach (var profile in profiles)
        {
            var urls = profile.Value.GetProperty("applicationUrl").GetString()!.Split(';');
            Assert.All(urls, url => Assert.True(new Uri(url).IsLoopback, $"{profile.Name}: {url} is not a loopback address"));
        }
    }
}
