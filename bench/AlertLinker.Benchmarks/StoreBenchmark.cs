using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlertLinker.Storage;
using AlertLinker.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Benchmarks;

/// <summary>
/// <c>stores</c>: the SQLite store and the PostgreSQL store side by side, same run, same machine, same work, at the
/// store seam (no HTTP): accept throughput (N writers, every notification new) and delivery throughput (workers
/// claiming due notifications FOR UPDATE SKIP LOCKED / SQLite's claim and marking each delivered). PostgreSQL is a
/// throw-away server from the Debian package (initdb + pg_ctl on a temp directory, 127.0.0.1, durable defaults:
/// fsync and synchronous_commit on), SQLite a temp file (WAL, synchronous=FULL). Reported as PostgreSQL/SQLite ratios.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var accepts = Option(args, "--accepts", 5000);
        var writers = Option(args, "--writers", 16);
        var workers = Option(args, "--workers", 4);
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            Console.Error.WriteLine("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
            return 2;
        }
        Console.WriteLine($"stores benchmark: {accepts} accepts by {writers} writers, then delivery by {workers} workers (claims of 16); " +
                          $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

        var folder = Directory.CreateTempSubdirectory("alertlinker-stores-bench-");
        // Its own temp folder: the postgres user must reach it, and a temp folder is private to its creator.
        var pgFolder = Directory.CreateTempSubdirectory("alertlinker-stores-bench-pg-");
        using var postgres = PostgresProcess.Start(bin, pgFolder.FullName);
        // Stopped even when the run is cut short (Ctrl+C, timeout's SIGTERM): no server left behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => postgres.Dispose();
        Console.CancelKeyPress += (_, _) => postgres.Dispose();
        try
        {
            var time = TimeProvider.System;
            var sqliteOptions = Options.Create(new StorageOptions { Path = Path.Combine(folder.FullName, "alertlinker.db") });
            using var sqlite = new SqliteAlertStore(sqliteOptions, time, NullLogger<SqliteAlertStore>.Instance);
            using var pg = new PostgresAlertStore(
                Options.Create(new PostgresStorageOptions { Provider = StorageProvider.Postgres, ConnectionString = postgres.ConnectionString, MaxPoolSize = 32 }),
                Options.Create(new StorageOptions()), time, NullLogger<PostgresAlertStore>.Instance);

            // Warm-up (JIT, pools, first pages), not counted.
            await AcceptAsync(sqlite, "warm", 200, writers);
            await AcceptAsync(pg, "warm", 200, writers);
            await DeliverAsync(sqlite, workers);
            await DeliverAsync(pg, workers);

            var rows = new List<(string What, double Sqlite, double Postgres)>();
            // Alternated, so a load spike on the shared machine does not land on one store only.
            var (sqliteAccept, pgAccept) = (await AcceptAsync(sqlite, "a", accepts, writers), await AcceptAsync(pg, "a", accepts, writers));
            rows.Add(("accept (notifications/s)", sqliteAccept, pgAccept));
            var (sqliteDeliver, pgDeliver) = (await DeliverAsync(sqlite, workers), await DeliverAsync(pg, workers));
            rows.Add(("claim + mark delivered (notifications/s)", sqliteDeliver, pgDeliver));

            Console.WriteLine();
            Console.WriteLine("| | SQLite | PostgreSQL | PostgreSQL / SQLite |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (what, s, p) in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {s:0} | {p:0} | {p / s:0.00} |"));
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
            postgres.Dispose();
            pgFolder.Delete(recursive: true);
        }
    }

    /// <summary>Notifications per second accepted by <paramref name="writers"/> concurrent writers, each notification new.</summary>
    private static async Task<double> AcceptAsync(IAlertStore store, string prefix, int count, int writers)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await store.AcceptAsync(Notification($"{prefix}-{i}"), CancellationToken.None);
        })));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Notifications per second claimed and marked delivered by <paramref name="workers"/> until none is due.</summary>
    private static async Task<double> DeliverAsync(IAlertStore store, int workers)
    {
        var delivered = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var owner = $"bench-{w}";
            while (true)
            {
                var claimed = await store.ClaimDueAsync(owner, 16, TimeSpan.FromSeconds(30), CancellationToken.None);
                if (claimed.Count == 0)
                    return;
                foreach (var item in claimed)
                    if (await store.MarkDeliveredAsync(item.Id, owner, CancellationToken.None))
                        Interlocked.Increment(ref delivered);
            }
        })));
        return delivered / clock.Elapsed.TotalSeconds;
    }

    private static AlertNotification Notification(string id)
    {
        var now = DateTimeOffset.UtcNow;
        return new AlertNotification
        {
            Source = "alertmanager",
            GroupKey = $"{{}}:{{alertname=\"Bench{id}\"}}",
            Status = AlertStatus.Firing,
            ReceivedAt = now,
            Receiver = "alertlinker",
            CommonLabels = new Dictionary<string, string> { ["alertname"] = "Bench" + id },
            Alerts =
            [
                new Alert
                {
                    Fingerprint = id,
                    Status = AlertStatus.Firing,
                    Name = "Bench" + id,
                    Labels = new Dictionary<string, string> { ["alertname"] = "Bench" + id, ["service"] = "checkout", ["severity"] = "page" },
                    Annotations = new Dictionary<string, string> { ["summary"] = "p99 above 800ms" },
                    StartsAt = now.AddMinutes(-3),
                },
            ],
        };
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>A PostgreSQL server of its own for the run (as the postgres user when run as root, which initdb refuses).</summary>
    private sealed class PostgresProcess : IDisposable
    {
        private readonly string _bin;
        private readonly string _data;

        private PostgresProcess(string bin, string data, int port)
        {
            _bin = bin;
            _data = data;
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=bench;Database=postgres";
        }

        public string ConnectionString { get; }

        public static PostgresProcess Start(string bin, string folder)
        {
            var root = folder;
            if (Environment.IsPrivilegedProcess)
                Run("chown", ["-R", "postgres:postgres", root], asPostgres: false);
            var data = Path.Combine(root, "data");
            var port = FreePort();
            Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "bench", "--auth=trust", "-E", "UTF8", "--locale=C"]);
            Run(Path.Combine(bin, "pg_ctl"),
                ["-D", data, "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root}", "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"]);
            return new PostgresProcess(bin, data, port);
        }

        private bool _stopped;

        public void Dispose()
        {
            if (_stopped)
                return;
            _stopped = true;
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"]);
        }

        private static void Run(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
        {
            var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            if (asPostgres && Environment.IsPrivilegedProcess)
            {
                info.FileName = "/usr/sbin/runuser";
                foreach (var argument in new[] { "-u", "postgres", "--", program })
                    info.ArgumentList.Add(argument);
            }
            else
            {
                info.FileName = program;
            }
            foreach (var argument in arguments)
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
