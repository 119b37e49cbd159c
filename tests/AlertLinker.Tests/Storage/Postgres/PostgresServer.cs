using System.Collections.Concurrent;
using System.Diagnostics;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.EndToEnd.Harness;
using Npgsql;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>
/// Where the PostgreSQL server programs are: Debian's <c>postgresql</c> package puts them in
/// /usr/lib/postgresql/&lt;version&gt;/bin (the newest is used); POSTGRES_BIN_DIR overrides.
/// </summary>
internal static class PostgresBinaries
{
    public static string? Directory { get; } = Find();

    public static string Program(string name) => Path.Combine(Directory ?? "/usr/lib/postgresql/?/bin", name);

    /// <summary>Why the PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Missing() =>
        Directory is null
            ? "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/<version>/bin or POSTGRES_BIN_DIR " +
              "(apt-get install postgresql; `.ci/run` installs it)."
            : null;

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("POSTGRES_BIN_DIR") is { Length: > 0 } configured)
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        if (!System.IO.Directory.Exists("/usr/lib/postgresql"))
            return null;
        return System.IO.Directory.GetDirectories("/usr/lib/postgresql")
            .Select(folder => (Folder: Path.Combine(folder, "bin"), Version: int.TryParse(Path.GetFileName(folder), out var v) ? v : 0))
            .Where(candidate => File.Exists(Path.Combine(candidate.Folder, "initdb")) && File.Exists(Path.Combine(candidate.Folder, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Folder)
            .FirstOrDefault();
    }
}

/// <summary>
/// One throw-away PostgreSQL server for the whole test run (an xunit collection fixture): initdb and pg_ctl on a
/// temporary directory, listening on a free 127.0.0.1 port (its unix socket in the same directory), password
/// authentication over TCP so the tests can check that the password never leaks. PostgreSQL refuses to run as root,
/// so under root the programs run as the <c>postgres</c> user the Debian package creates (via runuser).
/// Each test class gets a database of its own (<see cref="Database"/>); each test a schema in it.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "alertlinker_test";

    /// <summary>The superuser's password: a recognisable string a test can look for in logs and errors.</summary>
    public const string Password = "s3cret-pg-Password-Never-Logged";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDirectory? _directory;
    private readonly ConcurrentDictionary<string, Lazy<string>> _databases = new(StringComparer.Ordinal);
    private bool _started;

    public PostgresServer()
    {
        SkipReason = EndToEndBinaries.InCi ? null : PostgresBinaries.Missing();
        if (SkipReason is not null)
            return;
        if (PostgresBinaries.Missing() is { } missing)
            throw new InvalidOperationException(missing + " CI=true: the PostgreSQL tests must run.");

        _directory = new TempDirectory("postgres");
        Port = FreePort.Next();
        var data = Path.Combine(_directory.Path, "data");
        var passwordFile = _directory.File("password");
        File.WriteAllText(passwordFile, Password + "\n");
        if (Environment.IsPrivilegedProcess)
            Run("chown", ["-R", "postgres:postgres", _directory.Path], asPostgres: false);

        Run(PostgresBinaries.Program("initdb"),
            ["-D", data, "-U", User, "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
             "-E", "UTF8", "--locale=C", "--no-sync"]);
        // fsync off: a test server's data dies with the test run anyway. max_connections: every test class' pools.
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory.Path} -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB";
        Run(PostgresBinaries.Program("pg_ctl"), ["-D", data, "-o", options, "-l", _directory.File("server.log"), "-w", "-t", "60", "start"]);
        _started = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop("immediate");
    }

    /// <summary>Why the server was not started (binaries absent outside CI); null when it runs.</summary>
    public string? SkipReason { get; }

    public int Port { get; }

    /// <summary>The server's log, for failure messages.</summary>
    public string Log => _directory is null || !File.Exists(_directory.File("server.log")) ? "" : File.ReadAllText(_directory.File("server.log"));

    /// <summary>A connection string for <paramref name="database"/> (by default the maintenance database).</summary>
    public string ConnectionString(string database = "postgres", string? searchPath = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = User,
            Password = Password,
            Database = database,
            SearchPath = searchPath,
        }.ConnectionString;

    /// <summary>The database of <paramref name="owner"/> (a test class), created at its first use: a fresh one per class.</summary>
    public string Database(Type owner) =>
        _databases.GetOrAdd(owner.Name, name => new Lazy<string>(() => Create("t_" + name.ToLowerInvariant()))).Value;

    /// <summary>Creates a fresh, empty schema in <paramref name="database"/> and returns its name: one test's storage.</summary>
    public string CreateSchema(string database)
    {
        var schema = "s_" + Guid.NewGuid().ToString("N")[..12];
        Execute(ConnectionString(database), $"CREATE SCHEMA {schema}");
        return schema;
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connectionString"/> and returns the first column of the first row.</summary>
    public static object? Scalar(string connectionString, string sql)
    {
        using var connection = Connect(connectionString);
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text, with <paramref name="parameters"/> bound as $1, $2, ….</summary>
    public static List<string> Lines(string connectionString, string sql, params object[] parameters)
    {
        using var connection = Connect(connectionString);
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
            lines.Add(reader.GetString(0));
        return lines;
    }

    // Unpooled: the helpers' connections are closed at once, not kept for the rest of the run.
    private static NpgsqlConnection Connect(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(string connectionString, string sql) => Scalar(connectionString, sql);

    private string Create(string database)
    {
        Execute(ConnectionString(), $"DROP DATABASE IF EXISTS {database}");
        Execute(ConnectionString(), $"CREATE DATABASE {database}");
        return database;
    }

    public void Dispose()
    {
        Stop("fast");
        NpgsqlConnection.ClearAllPools();
        _directory?.Dispose();
    }

    private void Stop(string mode)
    {
        if (!_started || _directory is null)
            return;
        _started = false;
        try
        {
            Run(PostgresBinaries.Program("pg_ctl"), ["-D", Path.Combine(_directory.Path, "data"), "-m", mode, "-w", "-t", "30", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (or never fully started): nothing left to stop.
        }
    }

    /// <summary>Runs a program to completion (as the postgres user when we are root); throws with its output when it fails.</summary>
    private static void Run(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
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
        if (!process.WaitForExit(Bound))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within {Bound.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
    }
}

/// <summary>The tests that share the one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
