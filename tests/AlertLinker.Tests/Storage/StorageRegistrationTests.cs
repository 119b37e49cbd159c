using System.Threading.Channels;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Storage;

public sealed class StorageRegistrationTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TempDatabase _db = new();
    private readonly RecordingProcessor _processor = new();

    public void Dispose() => _db.Dispose();

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<INotificationProcessor>(_processor);
        builder.Services.AddAlertStore().AddDeliveryWorker();
        return builder.Build();
    }

    [Fact]
    public async Task StartedHostCreatesTheSchemaAndDeliversWhatIsAccepted()
    {
        using var host = Build(new() { ["AlertLinker:Storage:Path"] = _db.Path });

        await host.StartAsync();
        Assert.True(File.Exists(_db.Path)); // the schema exists before the first request
        var store = host.Services.GetRequiredService<IAlertStore>();
        Assert.True(await store.PingAsync(CancellationToken.None));
        var accepted = await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        var delivered = await _processor.Seen.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        await host.StopAsync();

        Assert.NotNull(accepted.NotificationId);
        Assert.Equal(TestNotifications.Create().GroupKey, delivered.GroupKey);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SlackMessagesAreRememberedInTheSqliteStoreWhicheverIsRegisteredFirst(bool storeFirst)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AlertLinker:Storage:Path"] = _db.Path });
        builder.Services.AddSingleton<INotificationProcessor>(_processor);
        if (storeFirst)
            builder.Services.AddAlertStore().AddSlack();
        else
            builder.Services.AddSlack().AddAlertStore();
        using var host = builder.Build();

        Assert.Same(host.Services.GetRequiredService<SqliteAlertStore>(), host.Services.GetRequiredService<ISlackMessageStore>());
    }

    [Fact]
    public async Task DatabaseFolderThatCannotBeCreatedStopsStartUpWithAMessageNamingTheSetting()
    {
        var blocker = Path.Combine(_db.Folder, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        using var host = Build(new() { ["AlertLinker:Storage:Path"] = Path.Combine(blocker, "alertlinker.db") });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AlertLinker:Storage:Path", error.Message);
        Assert.Contains(blocker, error.Message);
    }

    [Fact]
    public async Task DedupeRetentionShorterThanPagerDutysRetryWindowStopsStartUp()
    {
        using var host = Build(new()
        {
            ["AlertLinker:Storage:Path"] = _db.Path,
            ["AlertLinker:Storage:DedupeRetention"] = "1.00:00:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AlertLinker:Storage:DedupeRetention", error.Message);
        Assert.Contains("48 hours", error.Message);
        Assert.False(File.Exists(_db.Path)); // validation runs before anything touches the disk
    }

    [Fact]
    public async Task PathNamingAFolderStopsStartUp()
    {
        using var host = Build(new() { ["AlertLinker:Storage:Path"] = _db.Folder });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AlertLinker:Storage:Path", error.Message);
        Assert.Contains("is a folder", error.Message);
    }

    [Fact]
    public async Task BackoffCapShorterThanTheFirstBackoffStopsStartUp()
    {
        using var host = Build(new()
        {
            ["AlertLinker:Storage:Path"] = _db.Path,
            ["AlertLinker:Delivery:InitialBackoff"] = "00:01:00",
            ["AlertLinker:Delivery:MaxBackoff"] = "00:00:30",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MaxBackoff", error.Message);
    }

    [Fact]
    public void StoreAndInterfaceAreTheSameSingleton()
    {
        using var host = Build(new() { ["AlertLinker:Storage:Path"] = _db.Path });

        Assert.Same(host.Services.GetRequiredService<SqliteAlertStore>(), host.Services.GetRequiredService<IAlertStore>());
    }

    private sealed class RecordingProcessor : INotificationProcessor
    {
        public Channel<AlertNotification> Seen { get; } = Channel.CreateUnbounded<AlertNotification>();

        public Task<DeliveryResult> ProcessAsync(AlertNotification notification, CancellationToken cancellationToken)
        {
            Seen.Writer.TryWrite(notification);
            return Task.FromResult(DeliveryResult.Ok);
        }
    }
}
