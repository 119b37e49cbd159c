using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AlertLinker.Tests.TestSupport;

/// <summary>
/// The service in-process, on a temp SQLite file and the repo's runbook templates; no Slack configured (dry run)
/// unless a test sets it. Tests add configuration and swap services per instance.
/// </summary>
public sealed class AlertLinkerApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? configureServices;

    public AlertLinkerApp(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("alertlinker-test-").FullName;
        this.settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AlertLinker:Storage:Path"] = Path.Combine(DataDirectory, "alertlinker.db"),
            ["AlertLinker:Runbooks:Directory"] = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks"),
            ["AlertLinker:Sources:Alertmanager:BearerToken"] = BearerToken,
            // Tests count the calls their Slack stand-in receives; those about the start-up token check opt in.
            ["AlertLinker:Slack:VerifyTokenOnStart"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            this.settings[key] = value;
        this.configureServices = configureServices;
    }

    public const string BearerToken = "test-token-alertmanager";

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting reaches builder.Configuration before Program registers services (backends are read from it there).
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddFakeLogging(options => options.CollectRecordsForDisabledLogLevels = false));
        if (configureServices is not null)
            builder.ConfigureServices(configureServices);
    }

    /// <summary>Every log line the service wrote so far, formatted, with exceptions.</summary>
    public IReadOnlyList<string> Logs =>
        Services.GetFakeLogCollector().GetSnapshot()
            .Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception}")
            .ToList();

    /// <summary>Notifications the delivery worker has marked delivered, read from the app's own SQLite file.</summary>
    public int DeliveredNotifications()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(DataDirectory, "alertlinker.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM notifications WHERE state = 'delivered'";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public HttpClient CreateAuthorizedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", BearerToken);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown: the temp folder is cleaned by the OS.
        }
    }
}
