using System.Threading.Channels;
using AlertLinker.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Storage;

public sealed class StoreMaintenanceTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task OldDedupeKeysArePrunedEachIntervalWithoutAnyoneAsking()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var options = _db.Options(o => o.PruneInterval = TimeSpan.FromHours(1));
        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        var passes = Channel.CreateUnbounded<PruneResult?>();
        using var maintenance = new StoreMaintenance(store, Options.Create(options), time, NullLogger<StoreMaintenance>.Instance)
        {
            Pruned = result => passes.Writer.TryWrite(result),
        };
        await maintenance.StartAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new PruneResult(0, 0, 0), await passes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        time.Advance(options.DedupeRetention);
        var pruned = await passes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await maintenance.StopAsync(CancellationToken.None);

        Assert.Equal(1, pruned!.DedupeKeys);
    }
}
