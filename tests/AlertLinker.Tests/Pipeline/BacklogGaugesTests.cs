using AlertLinker.Operability;
using AlertLinker.Pipeline;
using AlertLinker.Tests.Operability;
using AlertLinker.Tests.Storage;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlertLinker.Tests.Pipeline;

public sealed class BacklogGaugesTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task GaugesShowPendingFailedAndTheAgeOfTheOldestPendingNotification()
    {
        var time = TestNotifications.Clock();
        using var store = _db.Open(time);
        var failed = (await store.AcceptAsync(TestNotifications.Create(groupKey: "a"), CancellationToken.None)).NotificationId!.Value;
        await store.ClaimDueAsync("worker", 10, TimeSpan.FromSeconds(30), CancellationToken.None);
        await store.MarkFailedAsync(failed, "worker", "invalid_auth", retryAt: null, CancellationToken.None);
        await store.AcceptAsync(TestNotifications.Create(groupKey: "b"), CancellationToken.None);
        await store.AcceptAsync(TestNotifications.Create(groupKey: "c", receivedAt: TestNotifications.Start.AddSeconds(30)), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(90));
        var (_, factory) = TestMetrics.Create();
        _ = new BacklogGauges(store, factory, time, NullLogger<BacklogGauges>.Instance);
        using var notifications = new MetricCollector<long>(factory, AlertLinkerMetrics.MeterName, "alertlinker_notifications");
        using var age = new MetricCollector<double>(factory, AlertLinkerMetrics.MeterName, "alertlinker_notification_oldest_pending_age_seconds");

        notifications.RecordObservableInstruments();
        age.RecordObservableInstruments();

        var byState = notifications.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["state"]!, m => m.Value);
        Assert.Equal(2, byState["pending"]);
        Assert.Equal(1, byState["failed"]);
        Assert.Equal(90, Assert.Single(age.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public void AStoreThatCannotAnswerGivesNoMeasurementInsteadOfAZero()
    {
        var store = _db.Open(TestNotifications.Clock());
        store.Dispose();
        var (_, factory) = TestMetrics.Create();
        _ = new BacklogGauges(store, factory, TestNotifications.Clock(), NullLogger<BacklogGauges>.Instance);
        using var notifications = new MetricCollector<long>(factory, AlertLinkerMetrics.MeterName, "alertlinker_notifications");

        notifications.RecordObservableInstruments();

        Assert.Empty(notifications.GetMeasurementSnapshot());
    }
}

/// <summary>The gauges as Prometheus scrapes them (alone: the meter provider hears every AlertLinker meter in the process).</summary>
[Collection(MetricsCollection.Name)]
public sealed class BacklogGaugesEndpointTests
{
    [Fact]
    public async Task MetricsEndpointShowsTheBacklogGauges()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Matches("alertlinker_notifications\\{[^}]*state=\"pending\"[^}]*\\} 0", metrics);
        Assert.Matches("alertlinker_notifications\\{[^}]*state=\"failed\"[^}]*\\} 0", metrics);
        Assert.Matches("(?m)^alertlinker_notification_oldest_pending_age_seconds(\\{[^}]*\\})? 0", metrics);
    }
}
