using AlertLinker.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Storage;

/// <summary>A fresh folder for one test's database, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alertlinker-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string Path => System.IO.Path.Combine(Folder, "alertlinker.db");

    public StorageOptions Options(Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { Path = Path };
        configure?.Invoke(options);
        return options;
    }

    internal SqliteAlertStore Open(TimeProvider time, Action<StorageOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(configure)), time, NullLogger<SqliteAlertStore>.Instance);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A store a test forgot to dispose still holds the file; the OS temp cleaner gets it.
        }
    }
}

public static class TestNotifications
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    /// <summary>A notification of <paramref name="groupKey"/> holding one alert per fingerprint.</summary>
    public static AlertNotification Create(
        string groupKey = "{}:{alertname=\"HighLatency\"}",
        AlertStatus status = AlertStatus.Firing,
        DateTimeOffset? receivedAt = null,
        IReadOnlyList<string>? fingerprints = null)
    {
        fingerprints ??= ["a1b2c3d4e5f60718"];
        return new AlertNotification
        {
            Source = "alertmanager",
            GroupKey = groupKey,
            Status = status,
            ReceivedAt = receivedAt ?? Start,
            Receiver = "alertlinker",
            ExternalUrl = "http://alertmanager:9093",
            CommonLabels = new Dictionary<string, string> { ["alertname"] = "HighLatency" },
            TruncatedAlerts = 0,
            Alerts = fingerprints.Select(fingerprint => new Alert
            {
                Fingerprint = fingerprint,
                Status = status,
                Name = "HighLatency",
                Labels = new Dictionary<string, string>
                {
                    ["alertname"] = "HighLatency",
                    ["service"] = "checkout",
                    ["severity"] = "page",
                },
                Annotations = new Dictionary<string, string> { ["summary"] = "p99 above 800ms" },
                StartsAt = Start.AddMinutes(-3),
                EndsAt = status == AlertStatus.Resolved ? Start : null,
                GeneratorUrl = "http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28x%5B5m%5D%29%29",
                Links = [new AlertLink("Dashboard", new Uri("http://grafana:3000/d/abc"))],
            }).ToList(),
        };
    }
}
