using System.Diagnostics;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Configuration;

/// <summary>
/// Runs the built service as a process until it exits by itself (bounded), for what only a real process shows: the
/// exit code, and what a person reads on the console.
/// </summary>
internal static class ServiceProcess
{
    public sealed record Exit(int Code, string Stdout, string Stderr)
    {
        public string All => Stdout + "\n" + Stderr;
    }

    /// <param name="settings">Keys below <c>AlertLinker</c> with ':' (e.g. <c>Backends:tempo:Type</c>), passed as environment variables.</param>
    /// <param name="arguments">The command line; the server's own (<c>--urls</c> on a free port) when null.</param>
    public static async Task<Exit> RunToExitAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout, IReadOnlyList<string>? arguments = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(EndToEndBinaries.AlertLinkerDll)!,
        };
        info.ArgumentList.Add(EndToEndBinaries.AlertLinkerDll);
        foreach (var argument in arguments ?? ["--urls", "http://127.0.0.1:0"])
            info.ArgumentList.Add(argument);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AlertLinker__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["AlertLinker__Storage__Path"] = Path.Combine(Path.GetTempPath(), $"alertlinker-check-{Guid.NewGuid():N}", "alertlinker.db");
        info.Environment["AlertLinker__Runbooks__Directory"] = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");
        foreach (var (key, value) in settings)
            info.Environment["AlertLinker__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the service did not exit within {timeout.TotalSeconds} s:\n{await stdout}\n{await stderr}");
        }
        return new Exit(process.ExitCode, await stdout, await stderr);
    }
}
