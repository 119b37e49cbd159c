using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace AlertLinker.Tests.EndToEnd.Harness;

/// <summary>
/// A child process owned by a test: output captured (the tail goes into failure messages), readiness polled with a
/// deadline, and the whole process tree killed on dispose — also when the test failed or the test host is exiting.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private const int MaxLines = 300;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    // Backstop for a test host that exits without disposing (crash, abort): no orphan Prometheus keeps a port.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process process;
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();

    static ManagedProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Running.Values)
                TryKill(child);
        };
    }

    private ManagedProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public static ManagedProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        // The service's own configuration comes only from what the test sets, never from the developer's shell.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AlertLinker__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process);
        process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"{name}: could not start {fileName}");
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>The last lines the process wrote (stdout and stderr interleaved), for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (gate)
                return string.Join('\n', lines);
        }
    }

    public string Describe() =>
        $"--- {Name} (pid {process.Id}, {(process.HasExited ? $"exited {process.ExitCode}" : "running")}), last output:\n{Output}\n--- end {Name}";

    /// <summary>Polls <paramref name="url"/> until it answers 200, the process exits, or the timeout passes.</summary>
    public async Task WaitUntilReadyAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before {url} was ready.\n{Describe()}");
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                last = $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(BoundedWait.PollInterval, cancellationToken);
        }
        throw new TimeoutException($"{Name} was not ready at {url} within {timeout.TotalSeconds:0.#} s (last: {last}).\n{Describe()}");
    }

    /// <summary>Kills the process and all its children at once, like a crash or OOM kill, and waits (bounded) for it to be gone.</summary>
    public void KillHard()
    {
        TryKill(process);
        if (!process.WaitForExit(ExitWait))
            throw new TimeoutException($"{Name} (pid {process.Id}) did not exit within {ExitWait.TotalSeconds} s of being killed");
        // Flush the asynchronous output readers so Output is complete.
        process.WaitForExit();
        Running.TryRemove(process.Id, out _);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
                KillHard();
        }
        catch (TimeoutException)
        {
            // Dispose must not hide the test's own failure; the ProcessExit backstop tries once more.
        }
        finally
        {
            Running.TryRemove(process.Id, out _);
            process.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (gate)
        {
            lines.Enqueue(line);
            while (lines.Count > MaxLines)
                lines.Dequeue();
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we killed it.
        }
    }
}
