using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlertLinker.Benchmarks;

/// <summary>
/// <c>accept</c>: durable accept of AlertLinker against a bare endpoint, in one run, on 127.0.0.1 only.
/// <para>
/// Every server runs as a process of its own: AlertLinker (the Release build, SQLite on a temp file, dry-run
/// Slack); a bare minimal-API endpoint (<c>accept-bare</c>, this binary) that checks the bearer token, parses the
/// JSON and answers 202 without storing; the same made durable by a group-commit log (bare+fdatasync, the disk's
/// ceiling); and AlertLinker's own request path made durable by that log instead of SQLite, with no delivery
/// worker (<c>accept-intake</c>, <see cref="IntakeOnlyServer"/>: the bound of any store behind that path, closed
/// loop only). The same client then loads each with the same requests — a real
/// Alertmanager 0.25 capture whose fingerprints are rewritten per request, so every request is a new alert — in two
/// phases: closed loop (N connections as fast as they go: throughput) and open loop (a fixed offered rate, latency
/// measured from each request's scheduled send time, so a stall is not hidden by the client waiting for it).
/// </para>
/// </summary>
internal static partial class AcceptBenchmark
{
    private const string Token = "bench-token";
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 20);
        var connections = Option(args, "--connections", 16);
        var rate = Option(args, "--rate", 1000);
        var spin = Value(args, "--pace") == "spin";
        // --warmup: closed-loop load each server gets before it is measured, the same for all four. 15 s since
        // 2026-12-07 22:35 UTC (3 s before): after 3 s the tiered JIT was still recompiling AlertLinker's larger hot
        // path, which cost the intake-only phase about 80 us of CPU per request (see docs/benchmarks.md).
        var warmUp = TimeSpan.FromSeconds(Option(args, "--warmup", 15));
        var root = RepoRoot();
        // --dll: another build to compare (e.g. the previous commit's), else this checkout's Release build.
        var dll = Value(args, "--dll") is { } other
            ? Path.GetFullPath(other)
            : Path.Combine(root, "src", "AlertLinker", "bin", "Release", "net10.0", "AlertLinker.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} not found: build it first (dotnet build -c Release src/AlertLinker)");
            return 2;
        }
        var body = await File.ReadAllTextAsync(Path.Combine(root, "..", "shared", "fixtures", Capture));
        // --fingerprints sorted: the old counting fingerprints, to compare with results before 2026-12-08.
        var sortedFingerprints = Value(args, "--fingerprints") == "sorted";
        var requests = new UniqueBodies(body, sortedFingerprints);
        var data = Directory.CreateTempSubdirectory("alertlinker-accept-bench-");

        Console.WriteLine($"accept benchmark: {connections} connections, {seconds} s per phase ({warmUp.TotalSeconds:0} s warm-up), open loop at {rate}/s (pace: {(spin ? "spin" : "yield")}); " +
                          $"{Environment.ProcessorCount} cores, load average {LoadAverage()}; capture {Path.GetFileName(Capture)}, fingerprints {(sortedFingerprints ? "sorted" : "random")}");
        var barePort = FreePort();
        var diskPort = FreePort();
        var durablePort = FreePort();
        using var bare = Start("dotnet", [typeof(AcceptBenchmark).Assembly.Location, "accept-bare", barePort.ToString(CultureInfo.InvariantCulture)], new());
        // The same bare endpoint, its 202 waiting for a group-committed fdatasync in the same directory as the
        // database: what the disk allows, measured, not estimated.
        using var disk = Start("dotnet", [typeof(AcceptBenchmark).Assembly.Location, "accept-bare", diskPort.ToString(CultureInfo.InvariantCulture),
            "--durable", Path.Combine(data.FullName, "bare.log")], new());
        var service = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AlertLinker__Storage__Path"] = Path.Combine(data.FullName, "alertlinker.db"),
            ["AlertLinker__Sources__Alertmanager__BearerToken"] = Token,
            ["AlertLinker__Runbooks__Directory"] = Path.Combine(root, "templates", "runbooks"),
            ["Logging__LogLevel__Default"] = "Warning",
        }.Concat(Settings(args)).GroupBy(setting => setting.Key).ToDictionary(g => g.Key, g => g.Last().Value); // --env wins
        // AlertLinker's request path (this checkout's, as built into this binary) with its accept a log append and no
        // delivery worker: the bound of any store behind that path (see IntakeOnlyServer).
        var intakePort = FreePort();
        using var intake = Start("dotnet", [typeof(AcceptBenchmark).Assembly.Location, "accept-intake", intakePort.ToString(CultureInfo.InvariantCulture),
            "--durable", Path.Combine(data.FullName, "intake.log")], new Dictionary<string, string>(service)
        {
            ["AlertLinker__Storage__Path"] = Path.Combine(data.FullName, "intake.db"),
        });
        using var durable = Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{durablePort}"], service);
        try
        {
            var bareUrl = new Uri($"http://127.0.0.1:{barePort}/webhooks/alertmanager");
            var durableUrl = new Uri($"http://127.0.0.1:{durablePort}/webhooks/alertmanager");
            var diskUrl = new Uri($"http://127.0.0.1:{diskPort}/webhooks/alertmanager");
            var intakeUrl = new Uri($"http://127.0.0.1:{intakePort}/webhooks/alertmanager");
            await WaitHealthyAsync(new Uri($"http://127.0.0.1:{barePort}/healthz"));
            await WaitHealthyAsync(new Uri($"http://127.0.0.1:{diskPort}/healthz"));
            await WaitHealthyAsync(new Uri($"http://127.0.0.1:{intakePort}/healthz"));
            await WaitHealthyAsync(new Uri($"http://127.0.0.1:{durablePort}/healthz"));

            using var client = NewClient(connections);
            // The bare endpoint first, both phases, while AlertLinker is idle: once AlertLinker has accepted a flood,
            // its delivery worker works through it for a while, and it would take CPU from a bare phase run meanwhile.
            // Each server is warmed up (JIT, connection pool, the database file) before anything of it is counted.
            await ClosedLoopAsync(client, bareUrl, requests, connections, warmUp);
            var bareClosed = await WithCpuAsync(bare, () => ClosedLoopAsync(client, bareUrl, requests, connections, TimeSpan.FromSeconds(seconds)));
            var bareOpen = await OpenLoopAsync(client, bareUrl, requests, connections, rate, TimeSpan.FromSeconds(seconds), spin);
            await ClosedLoopAsync(client, diskUrl, requests, connections, warmUp);
            var diskClosed = await WithCpuAsync(disk, () => ClosedLoopAsync(client, diskUrl, requests, connections, TimeSpan.FromSeconds(seconds)));
            var diskOpen = await OpenLoopAsync(client, diskUrl, requests, connections, rate, TimeSpan.FromSeconds(seconds), spin);
            Stop(disk); // idle from here on, but it holds 256 MB of page cache
            await ClosedLoopAsync(client, intakeUrl, requests, connections, warmUp);
            var intakeClosed = await WithCpuAsync(intake, () => ClosedLoopAsync(client, intakeUrl, requests, connections, TimeSpan.FromSeconds(seconds)));
            Stop(intake);

            // Each durable phase starts once the delivery worker has caught up with what came before (the warm-up's
            // flood, then the closed loop's): a phase pays for delivering its own accepts, not an earlier phase's.
            // The wait also lets the tiered JIT finish with the service's larger code before anything is counted.
            var metricsUrl = new Uri($"http://127.0.0.1:{durablePort}/metrics");
            await ClosedLoopAsync(client, durableUrl, requests, connections, warmUp);
            var drainedWarmUp = await DrainAsync(client, metricsUrl);
            var durableClosed = await WithCpuAsync(durable, () => ClosedLoopAsync(client, durableUrl, requests, connections, TimeSpan.FromSeconds(seconds)));
            var drainedClosed = await DrainAsync(client, metricsUrl);
            var durableOpen = await OpenLoopAsync(client, durableUrl, requests, connections, rate, TimeSpan.FromSeconds(seconds), spin);

            Report("bare    closed loop", bareClosed);
            Report("bare+fdatasync closed loop", diskClosed);
            Report("intake-only closed loop", intakeClosed);
            Report("durable closed loop", durableClosed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio durable/bare throughput: {durableClosed.PerSecond / bareClosed.PerSecond:0.00}x; " +
                $"the disk's ceiling, bare+fdatasync/bare: {diskClosed.PerSecond / bareClosed.PerSecond:0.00}x; " +
                $"durable/(bare+fdatasync): {durableClosed.PerSecond / diskClosed.PerSecond:0.00}x"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio intake-only/bare (AlertLinker's request path made durable by a log, the bound of any store behind it): {intakeClosed.PerSecond / bareClosed.PerSecond:0.00}x; " +
                $"durable/intake-only (what SQLite and delivery cost): {durableClosed.PerSecond / intakeClosed.PerSecond:0.00}x"));
            Report($"bare    open loop {rate}/s", bareOpen);
            Report($"bare+fdatasync open {rate}/s", diskOpen);
            Report($"durable open loop {rate}/s", durableOpen);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"delivery backlog drained before the durable closed loop in {drainedWarmUp.TotalSeconds:0.0} s, before the open loop in {drainedClosed.TotalSeconds:0.0} s"));
            Console.WriteLine($"memory of AlertLinker: {Memory(durable.Id)}");
            return 0;
        }
        finally
        {
            Stop(bare);
            Stop(disk);
            Stop(intake);
            Stop(durable);
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
                // The temp cleaner gets it.
            }
        }
    }

    /// <summary>
    /// <c>accept-bare PORT [--durable FILE]</c>: the baseline. Token check, JSON parse (the whole document, as a
    /// source must), a look at the alerts array, 202 with a small JSON body — everything a source does except
    /// storing. With <c>--durable</c> the body is also appended to a <see cref="GroupCommitLog"/> and the 202 waits
    /// for its fdatasync: the bare endpoint made durable as cheaply as a disk allows.
    /// </summary>
    public static async Task<int> ServeBareAsync(string[] args)
    {
        var port = int.Parse(args[0], CultureInfo.InvariantCulture);
        var log = Value(args, "--durable") is { } path ? new GroupCommitLog(path) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());
        app.MapPost("/webhooks/alertmanager", async (HttpRequest request) =>
        {
            if (request.Headers.Authorization.ToString() != "Bearer " + Token)
                return Results.Unauthorized();
            byte[]? payload = null;
            if (log is not null)
            {
                using var copy = new MemoryStream();
                await request.Body.CopyToAsync(copy);
                payload = copy.ToArray();
            }
            using var json = payload is null ? await JsonDocument.ParseAsync(request.Body) : JsonDocument.Parse(payload);
            if (!json.RootElement.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
                return Results.BadRequest();
            var count = alerts.GetArrayLength();
            if (log is not null)
                await log.AppendAsync(payload!);
            return Results.Text($$"""{"notificationId":null,"accepted":{{count}},"duplicates":0}""", "application/json", Encoding.UTF8, 202);
        });
        await app.RunAsync();
        return 0;
    }

    private sealed record Phase(int Requests, int Errors, TimeSpan Elapsed, long[] LatencyTicks)
    {
        /// <summary>CPU the server process used during the phase (user + system), when measured.</summary>
        public TimeSpan? ServerCpu { get; init; }

        /// <summary>CPU this process, the client, used during the phase.</summary>
        public TimeSpan? ClientCpu { get; init; }

        public double PerSecond => Requests / Elapsed.TotalSeconds;

        public double Percentile(double p) => LatencyTicks.Length == 0
            ? double.NaN
            : TimeSpan.FromTicks(LatencyTicks[Math.Min(LatencyTicks.Length - 1, (int)Math.Ceiling(p / 100 * LatencyTicks.Length) - 1)]).TotalMilliseconds;
    }

    private static async Task<Phase> ClosedLoopAsync(HttpClient client, Uri url, UniqueBodies bodies, int connections, TimeSpan duration)
    {
        var latencies = new List<long>[connections];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var mine = latencies[c] = new List<long>(100_000);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await SendAsync(client, url, bodies.Next()))
                    Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetElapsedTime(started).Ticks);
            }
        }));
        return Finish(latencies, errors, clock.Elapsed);
    }

    /// <summary>Requests scheduled every 1/rate s; latency counts from the scheduled time, queueing included.</summary>
    private static async Task<Phase> OpenLoopAsync(HttpClient client, Uri url, UniqueBodies bodies, int connections, int rate, TimeSpan duration, bool spin)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var interval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / rate);
        var latencies = new List<long>[connections];
        var errors = 0;
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var mine = latencies[c] = new List<long>(total / connections + 1);
            while (Interlocked.Increment(ref next) is var i && i < total)
            {
                var due = start + (long)(i * interval.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                    await Task.Delay(wait);
                // The timer fires up to about a millisecond early; the rest is waited out yielding, not spinning:
                // a spinning client held a core of the two against the server's woken threads (client CPU 93-96 %
                // against 67-71 % yielding, and a server that hands each request between threads paid for it in
                // every hop). --pace spin keeps the spin, to compare.
                while (Stopwatch.GetTimestamp() < due)
                {
                    if (spin)
                        Thread.SpinWait(20);
                    else
                        Thread.Yield();
                }
                if (!await SendAsync(client, url, bodies.Next()))
                    Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetElapsedTime(due).Ticks);
            }
        }));
        return Finish(latencies, errors, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Waits until the service's <c>alertlinker_notifications{state="pending"}</c> gauge reads 0 (at most 3 minutes).</summary>
    private static async Task<TimeSpan> DrainAsync(HttpClient client, Uri metrics)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var text = await client.GetStringAsync(metrics);
            if (PendingGauge().Match(text) is { Success: true } match && match.Groups[1].Value == "0")
                return clock.Elapsed;
            // Not more often: each scrape counts the backlog on the writer's connection, under its gate.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException("the delivery backlog did not drain within 3 minutes");
    }

    [GeneratedRegex("""^alertlinker_notifications\{[^}]*state="pending"[^}]*\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex PendingGauge();

    /// <summary>
    /// Runs a phase and records the CPU its server and the client used meanwhile: on two cores they share, CPU per
    /// request is the budget a faster accept has to fit in.
    /// </summary>
    private static async Task<Phase> WithCpuAsync(Process server, Func<Task<Phase>> phase)
    {
        using var client = Process.GetCurrentProcess();
        server.Refresh();
        var (serverBefore, clientBefore) = (server.TotalProcessorTime, client.TotalProcessorTime);
        var result = await phase();
        server.Refresh();
        client.Refresh();
        return result with
        {
            ServerCpu = server.TotalProcessorTime - serverBefore,
            ClientCpu = client.TotalProcessorTime - clientBefore,
        };
    }

    private static Phase Finish(List<long>[] latencies, int errors, TimeSpan elapsed)
    {
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Phase(all.Length, errors, elapsed, all);
    }

    private static async Task<bool> SendAsync(HttpClient client, Uri url, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", Token);
        request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
        try
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Accepted;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void Report(string name, Phase phase)
    {
        var cpu = phase is { ServerCpu: { } server, ClientCpu: { } client, Requests: > 0 }
            ? string.Create(CultureInfo.InvariantCulture,
                $"; CPU per request: server {server.TotalMicroseconds / phase.Requests:0} us, client {client.TotalMicroseconds / phase.Requests:0} us")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-30} {phase.Requests,7} requests in {phase.Elapsed.TotalSeconds,5:0.0} s = {phase.PerSecond,7:0}/s; errors {phase.Errors}; " +
            $"latency ms p50 {phase.Percentile(50):0.00} p90 {phase.Percentile(90):0.00} p99 {phase.Percentile(99):0.00} " +
            $"p99.9 {phase.Percentile(99.9):0.00} max {phase.Percentile(100):0.00}{cpu}"));
    }

    /// <summary>
    /// The capture with every alert's fingerprint made unique per request. Alertmanager's fingerprint is a 64-bit hash
    /// of the alert's labels, so by default each is 16 hex digits that look random (a bijective mix of a counter:
    /// never two alike). <paramref name="sorted"/> (<c>--fingerprints sorted</c>) keeps the capture's first four digits
    /// and counts up after them, as this benchmark did until 2026-12-08: keys that sort in arrival order flatter any
    /// index keyed by them (durable accept ran 1.5–1.8× faster with them under the old dedupe table).
    /// </summary>
    private sealed partial class UniqueBodies(string body, bool sorted)
    {
        private readonly string[] parts = Fingerprint().Split(body);
        private long counter;

        public byte[] Next()
        {
            var n = Interlocked.Increment(ref counter);
            // Split with one capture group: text, fingerprint, text, fingerprint, …, text.
            var builder = new StringBuilder(body.Length + 64);
            for (var i = 0; i < parts.Length; i++)
            {
                if (i % 2 == 0)
                    builder.Append(parts[i]);
                else if (sorted)
                    builder.Append(CultureInfo.InvariantCulture, $"\"fingerprint\":\"{parts[i][..4]}{n:x10}{i / 2:x2}\"");
                else
                    builder.Append(CultureInfo.InvariantCulture, $"\"fingerprint\":\"{Mix(((ulong)n << 8) | (uint)(i / 2)):x16}\"");
            }
            return Encoding.UTF8.GetBytes(builder.ToString());
        }

        /// <summary>SplitMix64's finaliser: a bijection on 64 bits, so distinct inputs give distinct fingerprints.</summary>
        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
            return z ^ (z >> 31);
        }

        [GeneratedRegex("\"fingerprint\":\"([0-9a-f]+)\"")]
        private static partial Regex Fingerprint();
    }

    private static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static Process Start(string file, string[] args, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_URLS"] = null;
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var process = Process.Start(info)!;
        // Drain the pipes so a chatty child never blocks on a full one.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine($"[{Path.GetFileName(args[0])}] {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process process)
    {
        if (process.HasExited)
            return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    private static async Task WaitHealthyAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} did not answer within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Memory(int pid)
    {
        var status = $"/proc/{pid}/status";
        return File.Exists(status)
            ? string.Join("; ", File.ReadLines(status).Where(l => l.StartsWith("VmRSS", StringComparison.Ordinal) || l.StartsWith("VmHWM", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l, @"\s+", " ")))
            : "unknown";
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Every <c>--env KEY=VALUE</c>: extra environment for AlertLinker (e.g. a delivery setting to compare).</summary>
    private static IEnumerable<KeyValuePair<string, string>> Settings(string[] args)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--env" && args[i + 1].Split('=', 2) is [var key, var value])
                yield return new(key, value);
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        Value(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The argument after the first <paramref name="name"/>, or null when it is not given.</summary>
    internal static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AlertLinker.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("run from inside the repository (AlertLinker.sln not found above the binary)");
    }
}
