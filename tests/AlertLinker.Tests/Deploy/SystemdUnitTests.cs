using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.EndToEnd.Harness;

namespace AlertLinker.Tests.Deploy;

/// <summary>deploy/systemd/alertlinker.service: checked by systemd's own tools, and its notify protocol spoken for real.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class SystemdUnitTests
{
    private const string Unit = "deploy/systemd/alertlinker.service";
    private const string EnvironmentExample = "deploy/systemd/alertlinker.env.example";

    /// <summary>The [Service] settings (a key may repeat: every value in order).</summary>
    private static ILookup<string, string> Service() =>
        DeployFiles.Read(Unit).Split('\n')
            .Select(l => l.Trim())
            .SkipWhile(l => l != "[Service]").Skip(1).TakeWhile(l => !l.StartsWith('['))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .ToLookup(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

    [SkippableFact]
    public void SystemdAnalyzeVerifiesTheUnitWithoutAComplaint()
    {
        Skip.If(DeployFiles.OnPath("systemd-analyze") is null, "systemd-analyze is not installed");
        Skip.IfNot(System.IO.File.Exists(Service()["ExecStart"].Single().Split(' ')[0]), "the unit's ExecStart program is not on this machine");

        var (exit, output, error) = DeployFiles.Run("systemd-analyze", ["verify", DeployFiles.PathOf(Unit)], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0 && error.Trim().Length == 0 && output.Trim().Length == 0, $"exit {exit}:\n{output}\n{error}");
    }

    [SkippableFact]
    public void TheUnitIsHardenedToAnExposureOfAtMostTwo()
    {
        Skip.If(DeployFiles.OnPath("systemd-analyze") is null, "systemd-analyze is not installed");

        var (exit, output, error) = DeployFiles.Run("systemd-analyze",
            ["security", "--offline=yes", "--threshold=20", "--no-pager", DeployFiles.PathOf(Unit)], TimeSpan.FromSeconds(60));

        var line = (output + error).Split('\n').Single(l => l.Contains("Overall exposure level", StringComparison.Ordinal));
        var score = double.Parse(ExposureScore().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(exit == 0 && score <= 2.0, $"exit {exit}; {line}");
    }

    [Fact]
    public void TheUnitWaitsForReadinessRunsUnprivilegedAndKeepsSqliteInItsStateDirectory()
    {
        var service = Service();

        Assert.Equal("notify", service["Type"].Single());
        Assert.Equal("yes", service["DynamicUser"].Single());
        Assert.Equal("strict", service["ProtectSystem"].Single());
        Assert.Equal("yes", service["NoNewPrivileges"].Single());
        var exec = service["ExecStart"].Single().Split(' ');
        Assert.Equal("AlertLinker.dll", Path.GetFileName(exec[^1]));
        Assert.Equal(Path.GetDirectoryName(exec[^1]), service["WorkingDirectory"].Single());
        var state = "/var/lib/" + service["StateDirectory"].Single();
        var environment = service["Environment"].Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        Assert.Equal(state, Path.GetDirectoryName(environment["AlertLinker__Storage__Path"]));
        Assert.StartsWith("-", service["EnvironmentFile"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryVariableOfTheUnitAndItsEnvironmentFileIsARealConfigurationKey()
    {
        var names = Service()["Environment"].Select(e => e.Split('=', 2)[0])
            .Concat(DeployFiles.Read(EnvironmentExample).Split('\n')
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=', 2)[0]))
            .ToList();

        Assert.Contains("AlertLinker__Slack__BotToken", names);
        var problems = names.Select(ConfigurationKeys.ProblemWith).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Type=notify for real: the service is started the way systemd starts it — as the child of a process named
    /// <c>systemd</c>, with NOTIFY_SOCKET naming a datagram socket — and must say READY=1 once it serves, and
    /// STOPPING=1 when the manager's SIGTERM asks it to stop, then exit 0.
    /// </summary>
    [SkippableFact]
    public async Task TheServiceTellsSystemdWhenItIsReadyAndWhenItStops()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "systemd is Linux only");
        var published = await PublishedService.GetAsync();
        using var scratch = new TempDirectory("systemd");
        // A stand-in service manager: bash started under the name "systemd" (its /proc comm), forwarding SIGTERM.
        var manager = scratch.File("systemd");
        System.IO.File.CreateSymbolicLink(manager, DeployFiles.OnPath("bash") ?? "/bin/bash");
        var socketPath = scratch.File("notify");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var port = FreePort.Next();

        await using var process = ManagedProcess.Start("alertlinker-systemd", manager,
            ["-c", $"dotnet AlertLinker.dll --urls http://127.0.0.1:{port} & child=$!; trap 'kill -TERM $child' TERM; wait $child; wait $child"],
            new Dictionary<string, string?>
            {
                ["NOTIFY_SOCKET"] = socketPath,
                ["AlertLinker__Storage__Path"] = scratch.File("alertlinker.db"),
                ["DOTNET_NOLOGO"] = "1",
            },
            published);

        Assert.Equal("READY=1", await ReceiveAsync(socket, AlertLinkerProcess.StartTimeout, process));
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
            Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{port}/healthz"));
        // Under systemd the log carries journal priorities (<6> = info) instead of the console format.
        Assert.Contains("<6>", process.Output, StringComparison.Ordinal);

        // What `systemctl stop` does: SIGTERM to the main process.
        Assert.Equal(0, DeployFiles.Run("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).ExitCode);
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(30), process));
        await BoundedWait.UntilAsync("the service to exit after SIGTERM", TimeSpan.FromSeconds(30), _ => Task.FromResult(process.HasExited), process.Describe);
        Assert.Contains("exited 0", process.Describe(), StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout, ManagedProcess process)
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            return Encoding.UTF8.GetString(buffer, 0, received).Trim();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no notification on NOTIFY_SOCKET within {timeout.TotalSeconds} s\n{process.Describe()}");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial System.Text.RegularExpressions.Regex ExposureScore();
}
