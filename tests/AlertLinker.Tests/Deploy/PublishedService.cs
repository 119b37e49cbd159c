using System.Diagnostics;
using System.Reflection;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Deploy;

/// <summary>
/// The service as <c>dotnet publish</c> lays it out (appsettings, templates/, no launchSettings), published once per
/// test run into a temp folder. <c>--no-build</c>: the test project already built it in this configuration, so this
/// is the publish step alone, a few seconds instead of a second compilation on a small machine.
/// </summary>
internal static class PublishedService
{
    private static readonly Lazy<Task<string>> Folder = new(PublishAsync);

    /// <summary>The folder holding AlertLinker.dll as published.</summary>
    public static Task<string> GetAsync() => Folder.Value;

    private static async Task<string> PublishAsync()
    {
        var root = Directory.CreateTempSubdirectory("alertlinker-published-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var output = Path.Combine(root, "app");
        var configuration = typeof(PublishedService).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = SharedFixtures.FindRepoRoot(),
        };
        foreach (var argument in new[]
                 {
                     "publish", Path.Combine(SharedFixtures.FindRepoRoot(), "src", "AlertLinker", "AlertLinker.csproj"),
                     "-c", configuration, "--no-build", "-o", output, "-nologo", "-v", "q",
                 })
            info.ArgumentList.Add(argument);
        // No MSBuild node may outlive the test run.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "AlertLinker.dll")))
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return output;
    }
}

/// <summary>
/// Runs the service in a network namespace of its own (<c>unshare --net</c>, as root): its own loopback, so it can
/// listen on its default 0.0.0.0:8080 without taking a port of this shared machine, and nothing outside can reach it.
/// The test probes it from inside with <c>nsenter … curl</c> and reads its listening sockets from /proc.
/// </summary>
internal static class NetworkNamespace
{
    private static readonly Lazy<string?> Problem = new(() =>
    {
        foreach (var tool in new[] { "unshare", "nsenter", "curl" })
        {
            if (DeployFiles.OnPath(tool) is null)
                return $"{tool} is not installed";
        }
        try
        {
            var (exit, _, error) = DeployFiles.Run("unshare", ["--net", "true"], TimeSpan.FromSeconds(10));
            return exit == 0 ? null : "unshare --net failed (needs root or CAP_SYS_ADMIN): " + error.Trim();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return "unshare --net failed: " + ex.Message;
        }
    });

    /// <summary>Why the service cannot be run in a namespace here, or null.</summary>
    public static string? Missing => Problem.Value;

    public static ManagedProcess Start(string name, string workingDirectory, IEnumerable<string> command, IReadOnlyDictionary<string, string?> environment)
    {
        var environmentWithoutHostSettings = new Dictionary<string, string?>(environment);
        // Only what the test sets: never the developer's or CI's own listening settings.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
            environmentWithoutHostSettings.TryAdd(inherited, null);
        return ManagedProcess.Start(name, "unshare",
            ["--net", "--", "/bin/sh", "-c", "PATH=\"$PATH:/usr/sbin:/sbin\" ip link set lo up && exec \"$0\" \"$@\"", .. command],
            environmentWithoutHostSettings, workingDirectory);
    }

    /// <summary>GET <paramref name="url"/> from inside the process's namespace: the status (0 when nothing answered) and body.</summary>
    public static (int Status, string Body) Get(int processId, string url)
    {
        var (_, output, _) = DeployFiles.Run("nsenter",
            [$"--net=/proc/{processId}/ns/net", "--", "curl", "-s", "-m", "3", "-w", "\n%{http_code}", url],
            TimeSpan.FromSeconds(10));
        var split = output.LastIndexOf('\n');
        return split < 0 || !int.TryParse(output[(split + 1)..].Trim(), out var status)
            ? (0, output)
            : (status, output[..split]);
    }

    /// <summary>Polls <paramref name="url"/> inside the namespace until it answers 200.</summary>
    public static async Task WaitUntilOkAsync(ManagedProcess process, string url, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = (Status: 0, Body: "");
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Name} exited before {url} answered.\n{process.Describe()}");
            last = Get(process.Id, url);
            if (last.Status == 200)
                return;
            await Task.Delay(BoundedWait.PollInterval);
        }
        throw new TimeoutException($"{url} did not answer 200 within {timeout.TotalSeconds} s (last: {last.Status} {last.Body}).\n{process.Describe()}");
    }

    /// <summary>The TCP addresses the process's namespace listens on (IPv4 and IPv6), from /proc/PID/net/tcp{,6}.</summary>
    public static IReadOnlyList<(string Address, int Port)> Listening(int processId)
    {
        var sockets = new List<(string, int)>();
        foreach (var (file, v6) in new[] { ("tcp", false), ("tcp6", true) })
        {
            var path = $"/proc/{processId}/net/{file}";
            if (!File.Exists(path))
                continue;
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "0A") // 0A = LISTEN
                    continue;
                var local = fields[1].Split(':');
                sockets.Add((Address(local[0], v6), Convert.ToInt32(local[1], 16)));
            }
        }
        return sockets;
    }

    // /proc prints addresses as host-order 32-bit words in hex.
    private static string Address(string hex, bool v6)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
            Array.Reverse(bytes, word, 4);
        return new System.Net.IPAddress(bytes).ToString();
    }
}

/// <summary>A fact that runs the service in a network namespace: skipped outside CI where that is impossible, failing in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (!EndToEnd.EndToEndBinaries.InCi && NetworkNamespace.Missing is { } reason)
            Skip = reason + "; skipped outside CI.";
    }
}

/// <summary>The theory form of <see cref="NetworkNamespaceFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetworkNamespaceTheoryAttribute : TheoryAttribute
{
    public NetworkNamespaceTheoryAttribute()
    {
        if (!EndToEnd.EndToEndBinaries.InCi && NetworkNamespace.Missing is { } reason)
            Skip = reason + "; skipped outside CI.";
    }
}
