using AlertLinker.Slack;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Storage;

/// <summary>
/// What every <see cref="IAlertStore"/> must do: the definition of the seam. An implementation's test class derives
/// from this and says how to open its store (SQLite: <see cref="SqliteAlertStoreContractTests"/>; a PostgreSQL store
/// derives from it too and must pass the same tests).
/// </summary>
public abstract class AlertStoreContract : IDisposable
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    protected const string Worker = "worker-a";
    protected const string OtherWorker = "worker-b";

    private readonly List<IAlertStore> opened = [];

    /// <summary>
    /// A store on this test's storage, empty at the first call; a later call in the same test opens the same data
    /// again (a restart). Retentions not given are the implementation's defaults.
    /// </summary>
    protected abstract IAlertStore OpenStore(TimeProvider time, StoreRetention? retention = null);

    protected IAlertStore Open(TimeProvider time, StoreRetention? retention = null)
    {
        var store = OpenStore(time, retention);
        opened.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var store in opened)
            (store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static async Task<long> AcceptAsync(IAlertStore store, string groupKey, AlertStatus status = AlertStatus.Firing) =>
        (await store.AcceptAsync(TestNotifications.Create(groupKey: groupKey, status: status), CancellationToken.None)).NotificationId!.Value;

    private static async Task<IReadOnlyList<long>> ClaimIdsAsync(IAlertStore store, int max = 10, string owner = Worker) =>
        (await store.ClaimDueAsync(owner, max, Lease, CancellationToken.None)).Select(n => n.Id).ToList();

    /// <summary>Claims what is due, settles <paramref name="id"/> as delivered and gives the other claims back.</summary>
    private static Task DeliverAsync(IAlertStore store, long id) =>
        SettleAsync(store, id, () => store.MarkDeliveredAsync(id, Worker, CancellationToken.None));

    /// <summary>Claims what is due, settles <paramref name="id"/> as failed and gives the other claims back.</summary>
    private static Task FailAsync(IAlertStore store, long id, string error, DateTimeOffset? retryAt) =>
        SettleAsync(store, id, () => store.MarkFailedAsync(id, Worker, error, retryAt, CancellationToken.None));

    private static async Task SettleAsync(IAlertStore store, long id, Func<Task<bool>> settle)
    {
        var claimed = await ClaimIdsAsync(store, 100);
        Assert.Contains(id, claimed);
        Assert.True(await settle());
        foreach (var other in claimed.Where(c => c != id))
            Assert.True(await store.ReleaseAsync(other, Worker, CancellationToken.None));
    }

    // ---- accept and dedupe ----

    [StoreFact]
    public async Task AcceptedNotificationIsDueAtOnceAndReadsBackUnchanged()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var sent = TestNotifications.Create(fingerprints: ["f1", "f2"]);

        var result = await store.AcceptAsync(sent, CancellationToken.None);

        Assert.NotNull(result.NotificationId);
        Assert.Equal(2, result.Accepted);
        Assert.Equal(0, result.Duplicates);
        var due = Assert.Single(await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
        Assert.Equal(result.NotificationId, due.Id);
        Assert.Equal(0, due.Attempts);
        Assert.Equal(TestNotifications.Start + Lease, due.LeaseExpiresAt);
        var read = due.Notification;
        Assert.Equal(sent.Source, read.Source);
        Assert.Equal(sent.GroupKey, read.GroupKey);
        Assert.Equal(sent.Status, read.Status);
        Assert.Equal(sent.ReceivedAt, read.ReceivedAt);
        Assert.Equal(sent.ExternalUrl, read.ExternalUrl);
        Assert.Equal(sent.CommonLabels, read.CommonLabels);
        Assert.Equal(2, read.Alerts.Count);
        var (before, after) = (sent.Alerts[1], read.Alerts[1]);
        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.Equal(before.Labels, after.Labels);
        Assert.Equal(before.Annotations, after.Annotations);
        Assert.Equal(before.StartsAt, after.StartsAt);
        Assert.Null(after.EndsAt);
        Assert.Equal(before.GeneratorUrl, after.GeneratorUrl);
        Assert.Equal(before.Links, after.Links);
        Assert.Equal(sent.DedupeKeys(), read.DedupeKeys());
    }

    [StoreFact]
    public async Task TheSameNotificationAcceptedTwiceIsStoredOnceAndReportedAsDuplicates()
    {
        var store = Open(TestNotifications.Clock());
        var notification = TestNotifications.Create(fingerprints: ["f1", "f2"]);

        await store.AcceptAsync(notification, CancellationToken.None);
        var again = await store.AcceptAsync(notification with { ReceivedAt = notification.ReceivedAt.AddSeconds(10) }, CancellationToken.None);

        Assert.Null(again.NotificationId);
        Assert.Equal(0, again.Accepted);
        Assert.Equal(2, again.Duplicates);
        Assert.Single(await ClaimIdsAsync(store));
    }

    [StoreFact]
    public async Task NotificationWithOneNewAlertIsStoredAndCountsTheOthersAsDuplicates()
    {
        var store = Open(TestNotifications.Clock());
        await store.AcceptAsync(TestNotifications.Create(fingerprints: ["f1"]), CancellationToken.None);

        var result = await store.AcceptAsync(TestNotifications.Create(fingerprints: ["f1", "f2"]), CancellationToken.None);

        Assert.NotNull(result.NotificationId);
        Assert.Equal(1, result.Accepted);
        Assert.Equal(1, result.Duplicates);
    }

    [StoreFact]
    public async Task ResolvedNotificationOfAFiringAlertIsNotADuplicate()
    {
        var store = Open(TestNotifications.Clock());
        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);

        var resolved = await store.AcceptAsync(TestNotifications.Create(status: AlertStatus.Resolved), CancellationToken.None);

        Assert.NotNull(resolved.NotificationId);
    }

    [StoreFact]
    public async Task FiftyParallelAcceptsOfTheSamePayloadStoreExactlyOne()
    {
        var store = Open(TestNotifications.Clock());
        var notification = TestNotifications.Create(fingerprints: ["f1", "f2", "f3"]);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => store.AcceptAsync(notification, CancellationToken.None))));

        Assert.Single(results, r => r.NotificationId is not null);
        Assert.Equal(49, results.Count(r => r.NotificationId is null && r.Duplicates == 3));
        Assert.Equal(1, (await store.CountAsync(CancellationToken.None)).Pending);
    }

    [StoreFact]
    public async Task ParallelAcceptsOfDifferentPayloadsAreAllStored()
    {
        var store = Open(TestNotifications.Clock());

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => store.AcceptAsync(TestNotifications.Create(groupKey: $"group-{i}"), CancellationToken.None))));

        Assert.Equal(50, results.Select(r => r.NotificationId).Distinct().Count(id => id is not null));
        Assert.Equal(32, (await ClaimIdsAsync(store, 32)).Count);
    }

    [StoreFact]
    public async Task DedupeKeysSurviveARestart()
    {
        var time = TestNotifications.Clock();
        var first = Open(time);
        await first.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        (first as IDisposable)?.Dispose();

        var second = Open(time);
        var retry = await second.AcceptAsync(TestNotifications.Create(), CancellationToken.None);

        Assert.Null(retry.NotificationId);
    }

    // ---- claims and leases ----

    [StoreFact]
    public async Task ClaimedNotificationIsNotHandedOutAgainWhileItsLeaseRuns()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");
        Assert.Equal([id], await ClaimIdsAsync(store));

        time.Advance(Lease - TimeSpan.FromSeconds(1));

        Assert.Empty(await ClaimIdsAsync(store, owner: OtherWorker));
        Assert.Empty(await ClaimIdsAsync(store));
        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.InFlight, record!.State);
        Assert.Equal(Worker, record.Owner);
        Assert.Equal(TestNotifications.Start + Lease, record.LeaseExpiresAt);
    }

    [StoreFact]
    public async Task ExpiredLeaseMakesTheWorkClaimableAgainAndTheOldOwnerCannotSettleIt()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");
        await ClaimIdsAsync(store);

        time.Advance(Lease);

        Assert.Equal(NotificationState.Pending, (await store.FindAsync(id, CancellationToken.None))!.State);
        var reclaimed = Assert.Single(await store.ClaimDueAsync(OtherWorker, 10, Lease, CancellationToken.None));
        Assert.Equal(id, reclaimed.Id);
        Assert.Equal(0, reclaimed.Attempts); // the dead owner's attempt never finished, so it is not counted
        Assert.False(await store.MarkDeliveredAsync(id, Worker, CancellationToken.None));
        Assert.False(await store.MarkFailedAsync(id, Worker, "late", retryAt: null, CancellationToken.None));
        Assert.False(await store.RenewLeaseAsync(id, Worker, Lease, CancellationToken.None));
        Assert.False(await store.ReleaseAsync(id, Worker, CancellationToken.None));
        Assert.Equal(OtherWorker, (await store.FindAsync(id, CancellationToken.None))!.Owner);
        Assert.True(await store.MarkDeliveredAsync(id, OtherWorker, CancellationToken.None));
        Assert.Equal(NotificationState.Delivered, (await store.FindAsync(id, CancellationToken.None))!.State);
    }

    [StoreFact]
    public async Task RenewedLeaseKeepsTheClaimPastItsFirstExpiry()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");
        await ClaimIdsAsync(store);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await store.RenewLeaseAsync(id, Worker, Lease, CancellationToken.None));
        Assert.False(await store.RenewLeaseAsync(id, OtherWorker, Lease, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(20)); // 40 s after the claim, 20 s after the renewal

        Assert.Empty(await ClaimIdsAsync(store, owner: OtherWorker));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(10), (await store.FindAsync(id, CancellationToken.None))!.LeaseExpiresAt);
        Assert.True(await store.MarkDeliveredAsync(id, Worker, CancellationToken.None));
    }

    [StoreFact]
    public async Task ReleasedClaimIsDueAtOnceWithoutCountingAnAttempt()
    {
        var store = Open(TestNotifications.Clock());
        var id = await AcceptAsync(store, "g");
        await ClaimIdsAsync(store);

        Assert.True(await store.ReleaseAsync(id, Worker, CancellationToken.None));

        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Pending, record!.State);
        Assert.Equal(0, record.Attempts);
        Assert.Null(record.Owner);
        var again = Assert.Single(await store.ClaimDueAsync(OtherWorker, 10, Lease, CancellationToken.None));
        Assert.Equal(0, again.Attempts);
    }

    [StoreFact]
    public async Task DeferredClaimIsDueOnlyWhenAskedAndCountsNoAttempt()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");
        await ClaimIdsAsync(store);

        Assert.True(await store.DeferAsync(id, Worker, time.GetUtcNow() + TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Empty(await store.ClaimDueAsync(OtherWorker, 10, Lease, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(5));
        var again = Assert.Single(await store.ClaimDueAsync(OtherWorker, 10, Lease, CancellationToken.None));
        Assert.Equal(id, again.Id);
        Assert.Equal(0, again.Attempts);
        Assert.False(await store.DeferAsync(id, Worker, time.GetUtcNow(), CancellationToken.None)); // no longer the owner's
    }

    [StoreFact]
    public async Task SettlingWorkThatWasNeverClaimedChangesNothing()
    {
        var store = Open(TestNotifications.Clock());
        var id = await AcceptAsync(store, "g");

        Assert.False(await store.MarkDeliveredAsync(id, Worker, CancellationToken.None));
        Assert.False(await store.MarkFailedAsync(id, Worker, "nope", retryAt: null, CancellationToken.None));

        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Pending, record!.State);
        Assert.Equal(0, record.Attempts);
    }

    [StoreFact]
    public async Task ConcurrentClaimsOfSeveralOwnersNeverHandOutOneNotificationTwice()
    {
        var store = Open(TestNotifications.Clock());
        for (var i = 0; i < 40; i++)
            await AcceptAsync(store, $"g{i}");

        var claims = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => store.ClaimDueAsync($"owner-{i}", 7, Lease, CancellationToken.None))));

        var ids = claims.SelectMany(c => c).Select(n => n.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(40, ids.Count);
    }

    // ---- order per group ----

    [StoreFact]
    public async Task LaterNotificationOfAGroupWaitsWhileAnEarlierOneIsPending()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var firing = await AcceptAsync(store, "g");
        var resolved = await AcceptAsync(store, "g", AlertStatus.Resolved);
        var other = await AcceptAsync(store, "other");

        Assert.Equal([firing, other], await ClaimIdsAsync(store));

        // The earlier one backs off: the later one still waits for it.
        Assert.True(await store.MarkFailedAsync(firing, Worker, "timeout", time.GetUtcNow().AddMinutes(1), CancellationToken.None));
        Assert.True(await store.ReleaseAsync(other, Worker, CancellationToken.None));
        Assert.Equal([other], await ClaimIdsAsync(store));
        Assert.True(await store.ReleaseAsync(other, Worker, CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([firing], await ClaimIdsAsync(store, 1));
        Assert.True(await store.MarkDeliveredAsync(firing, Worker, CancellationToken.None));
        Assert.Equal([resolved, other], await ClaimIdsAsync(store));
    }

    [StoreFact]
    public async Task AnAcceptSaysItIsQueuedBehindOnlyWhileAnEarlierNotificationOfItsGroupIsPending()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);

        var first = await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f1"]), CancellationToken.None);
        var second = await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f2"]), CancellationToken.None);
        var elsewhere = await store.AcceptAsync(TestNotifications.Create(groupKey: "other", fingerprints: ["f1"]), CancellationToken.None);
        var duplicate = await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f2"]), CancellationToken.None);

        Assert.False(first.QueuedBehind);
        Assert.True(second.QueuedBehind);
        Assert.False(elsewhere.QueuedBehind);
        Assert.Null(duplicate.NotificationId);
        Assert.False(duplicate.QueuedBehind);

        // Both of the group settled (one delivered, one failed for good): the next one is the group's head again.
        await DeliverAsync(store, first.NotificationId!.Value);
        await FailAsync(store, second.NotificationId!.Value, "bad request", retryAt: null);
        var third = await store.AcceptAsync(TestNotifications.Create(groupKey: "g", fingerprints: ["f3"]), CancellationToken.None);
        Assert.False(third.QueuedBehind);
    }

    [StoreFact]
    public async Task AGroupIsNeverInFlightTwiceEvenWhenItsOlderNotificationIsPutBack()
    {
        var store = Open(TestNotifications.Clock());
        var first = await AcceptAsync(store, "g");
        var second = await AcceptAsync(store, "g", AlertStatus.Resolved);
        await FailAsync(store, first, "invalid_auth", retryAt: null);
        Assert.Equal([second], await ClaimIdsAsync(store));

        // While the later one is in flight, the earlier failed one is not put back, and nothing else of the group is due.
        var retry = await store.RetryFailedAsync(ids: null, CancellationToken.None);

        Assert.Equal([first], retry.Superseded);
        Assert.Empty(retry.Requeued);
        Assert.Empty(await ClaimIdsAsync(store, owner: OtherWorker));
    }

    [StoreFact]
    public async Task NotificationThatFailedForGoodNoLongerHoldsUpItsGroup()
    {
        var store = Open(TestNotifications.Clock());
        var first = await AcceptAsync(store, "g");
        var second = await AcceptAsync(store, "g", AlertStatus.Resolved);

        await FailAsync(store, first, "invalid_blocks", retryAt: null);

        Assert.Equal([second], await ClaimIdsAsync(store));
    }

    [StoreFact]
    public async Task ClaimHonoursItsLimitOldestFirst()
    {
        var store = Open(TestNotifications.Clock());
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add(await AcceptAsync(store, $"g{i}"));

        Assert.Equal(ids.Take(3), await ClaimIdsAsync(store, 3));
        Assert.Equal(ids.Skip(3), await ClaimIdsAsync(store, 3, OtherWorker));
    }

    // ---- outcomes ----

    [StoreFact]
    public async Task FailedAttemptWithARetryTimeIsHiddenUntilThatTime()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");

        await FailAsync(store, id, "slack: 503", time.GetUtcNow().AddSeconds(30));

        Assert.Empty(await ClaimIdsAsync(store));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await ClaimIdsAsync(store));
        time.Advance(TimeSpan.FromSeconds(1));
        var due = Assert.Single(await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None));
        Assert.Equal(1, due.Attempts);
        Assert.True(await store.ReleaseAsync(id, Worker, CancellationToken.None));
        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Pending, record!.State);
        Assert.Equal("slack: 503", record.LastError);
    }

    [StoreFact]
    public async Task FailedAttemptWithoutARetryTimeStaysVisibleAsFailedAndIsNeverDue()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");

        await FailAsync(store, id, "slack: channel_not_found", retryAt: null);
        time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(await ClaimIdsAsync(store));
        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Failed, record!.State);
        Assert.Equal("slack: channel_not_found", record.LastError);
        Assert.Equal(1, record.Attempts);
        Assert.Null(record.NextAttemptAt);
    }

    [StoreFact]
    public async Task MarkingADeliveredNotificationFailedChangesNothing()
    {
        var store = Open(TestNotifications.Clock());
        var id = await AcceptAsync(store, "g");
        await DeliverAsync(store, id);

        Assert.False(await store.MarkFailedAsync(id, Worker, "late", DateTimeOffset.UnixEpoch, CancellationToken.None));

        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Delivered, record!.State);
        Assert.Null(record.LastError);
    }

    [StoreFact]
    public async Task DeliveredNotificationRecordsItsAttemptAndTime()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var id = await AcceptAsync(store, "g");
        time.Advance(TimeSpan.FromSeconds(3));

        await DeliverAsync(store, id);

        var record = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(NotificationState.Delivered, record!.State);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(time.GetUtcNow(), record.DeliveredAt);
        Assert.Null(record.Owner);
        Assert.Equal("g", record.GroupKey);
        Assert.Equal("alertmanager", record.Source);
        Assert.Equal(TestNotifications.Start, record.ReceivedAt);
    }

    [StoreFact]
    public async Task UnknownNotificationIsNotFound()
    {
        var store = Open(TestNotifications.Clock());

        Assert.Null(await store.FindAsync(12345, CancellationToken.None));
    }

    // ---- counts and listing ----

    [StoreFact]
    public async Task CountsShowTheBacklogAndItsOldestNotification()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        Assert.Equal(new NotificationCounts(0, 0, 0, null), await store.CountAsync(CancellationToken.None));

        var failed = await AcceptAsync(store, "failed");
        await FailAsync(store, failed, "invalid_auth", retryAt: null);
        await store.AcceptAsync(TestNotifications.Create(groupKey: "waiting", receivedAt: TestNotifications.Start.AddMinutes(1)), CancellationToken.None);
        await store.AcceptAsync(TestNotifications.Create(groupKey: "claimed", receivedAt: TestNotifications.Start.AddMinutes(2)), CancellationToken.None);
        var delivered = await AcceptAsync(store, "delivered");
        await DeliverAsync(store, delivered);
        await ClaimIdsAsync(store, 1);

        Assert.Equal(new NotificationCounts(2, 1, 1, TestNotifications.Start.AddMinutes(1)), await store.CountAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task ListGivesTheStatesAskedForOldestFirst()
    {
        var store = Open(TestNotifications.Clock());
        var failed = await AcceptAsync(store, "a");
        await FailAsync(store, failed, "invalid_auth", retryAt: null);
        var inFlight = await AcceptAsync(store, "b");
        await ClaimIdsAsync(store);
        var pending = await AcceptAsync(store, "c");

        Assert.Equal([failed], (await store.ListAsync(new HashSet<NotificationState> { NotificationState.Failed }, 10, CancellationToken.None)).Select(r => r.Id));
        var unfinished = await store.ListAsync(
            new HashSet<NotificationState> { NotificationState.Pending, NotificationState.InFlight, NotificationState.Failed }, 10, CancellationToken.None);
        Assert.Equal([failed, inFlight, pending], unfinished.Select(r => r.Id));
        Assert.Equal([NotificationState.Failed, NotificationState.InFlight, NotificationState.Pending], unfinished.Select(r => r.State));
        Assert.Equal("invalid_auth", unfinished[0].LastError);
        Assert.Equal([failed, inFlight], (await store.ListAsync(
            new HashSet<NotificationState> { NotificationState.Pending, NotificationState.InFlight, NotificationState.Failed }, 2, CancellationToken.None)).Select(r => r.Id));
        Assert.Empty(await store.ListAsync(new HashSet<NotificationState> { NotificationState.Delivered }, 10, CancellationToken.None));
    }

    // ---- retry of failed work ----

    [StoreFact]
    public async Task RetryOfEveryFailedNotificationPutsThemBackDueNowWithAttemptsFromZero()
    {
        var time = TestNotifications.Clock();
        var store = Open(time);
        var first = await AcceptAsync(store, "a");
        var second = await AcceptAsync(store, "b");
        await FailAsync(store, first, "invalid_auth", retryAt: null);
        await FailAsync(store, second, "invalid_auth", retryAt: null);
        time.Advance(TimeSpan.FromHours(1));

        var retry = await store.RetryFailedAsync(ids: null, CancellationToken.None);

        Assert.Equal([first, second], retry.Requeued);
        Assert.Empty(retry.Superseded);
        Assert.Empty(retry.NotFailed);
        Assert.Equal(0, (await store.CountAsync(CancellationToken.None)).Failed);
        var claimed = await store.ClaimDueAsync(Worker, 10, Lease, CancellationToken.None);
        Assert.Equal([first, second], claimed.Select(c => c.Id));
        Assert.All(claimed, c => Assert.Equal(0, c.Attempts));
    }

    [StoreFact]
    public async Task RetryByIdPutsBackOnlyThoseAndNamesTheOnesThatWereNotFailed()
    {
        var store = Open(TestNotifications.Clock());
        var failed = await AcceptAsync(store, "a");
        var alsoFailed = await AcceptAsync(store, "b");
        var pending = await AcceptAsync(store, "c");
        await FailAsync(store, failed, "invalid_auth", retryAt: null);
        await FailAsync(store, alsoFailed, "invalid_auth", retryAt: null);

        var retry = await store.RetryFailedAsync([failed, pending, 999], CancellationToken.None);

        Assert.Equal([failed], retry.Requeued);
        Assert.Equal([pending, 999], retry.NotFailed);
        Assert.Equal(NotificationState.Failed, (await store.FindAsync(alsoFailed, CancellationToken.None))!.State);
        Assert.Equal(NotificationState.Pending, (await store.FindAsync(failed, CancellationToken.None))!.State);
    }

    [StoreFact]
    public async Task FailedNotificationWhoseGroupWasDeliveredLaterIsNotPutBack()
    {
        var store = Open(TestNotifications.Clock());
        var firing = await AcceptAsync(store, "g");
        var resolved = await AcceptAsync(store, "g", AlertStatus.Resolved);
        await FailAsync(store, firing, "invalid_blocks", retryAt: null);
        await DeliverAsync(store, resolved);

        var retry = await store.RetryFailedAsync([firing], CancellationToken.None);

        Assert.Empty(retry.Requeued);
        Assert.Equal([firing], retry.Superseded);
        Assert.Equal(NotificationState.Failed, (await store.FindAsync(firing, CancellationToken.None))!.State);
    }

    // ---- pruning ----

    [StoreFact]
    public async Task PruneForgetsOldDedupeKeysAndFinishedNotificationsButNeverPendingWork()
    {
        var time = TestNotifications.Clock();
        var store = Open(time, new StoreRetention(
            DedupeRetention: TimeSpan.FromDays(7),
            DeliveredRetention: TimeSpan.FromDays(1),
            FailedRetention: TimeSpan.FromDays(3)));
        var delivered = await AcceptAsync(store, "delivered");
        var failed = await AcceptAsync(store, "failed");
        var pending = await AcceptAsync(store, "pending");
        await DeliverAsync(store, delivered);
        await FailAsync(store, failed, "nope", retryAt: null);

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(new PruneResult(0, 0, 0), await store.PruneAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2)); // delivered one is past its retention
        Assert.Equal(new PruneResult(0, 1, 0), await store.PruneAsync(CancellationToken.None));
        Assert.Null(await store.FindAsync(delivered, CancellationToken.None));

        time.Advance(TimeSpan.FromDays(2)); // failed one too
        Assert.Equal(new PruneResult(0, 0, 1), await store.PruneAsync(CancellationToken.None));

        // Within the dedupe retention a retry is still recognised…
        Assert.Null((await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered"), CancellationToken.None)).NotificationId);
        time.Advance(TimeSpan.FromDays(4)); // …after it, the keys are gone.
        Assert.Equal(new PruneResult(3, 0, 0), await store.PruneAsync(CancellationToken.None));
        Assert.NotNull((await store.AcceptAsync(TestNotifications.Create(groupKey: "delivered"), CancellationToken.None)).NotificationId);

        Assert.Equal(NotificationState.Pending, (await store.FindAsync(pending, CancellationToken.None))!.State);
    }

    [StoreFact]
    public async Task SinksRecordedAsHavingANotificationAreListedOnceForThatNotificationOnly()
    {
        var store = Open(TestNotifications.Clock());
        var first = await AcceptAsync(store, "first");
        var second = await AcceptAsync(store, "second");
        Assert.Empty(await store.DeliveredSinksAsync(first, CancellationToken.None));

        await store.RecordSinkDeliveredAsync(first, "slack", CancellationToken.None);
        await store.RecordSinkDeliveredAsync(first, "slack", CancellationToken.None);
        await store.RecordSinkDeliveredAsync(first, "teams", CancellationToken.None);

        Assert.Equal(["slack", "teams"], (await store.DeliveredSinksAsync(first, CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Empty(await store.DeliveredSinksAsync(second, CancellationToken.None));
    }

    [StoreFact]
    public async Task ASinkRecordedForAnUnknownNotificationIsNotKept()
    {
        var store = Open(TestNotifications.Clock());

        await store.RecordSinkDeliveredAsync(424242, "slack", CancellationToken.None);

        Assert.Empty(await store.DeliveredSinksAsync(424242, CancellationToken.None));
    }

    [StoreFact]
    public async Task PruningANotificationForgetsWhichSinksHadIt()
    {
        var time = TestNotifications.Clock();
        var store = Open(time, new StoreRetention(DeliveredRetention: TimeSpan.FromDays(1)));
        var delivered = await AcceptAsync(store, "delivered");
        await store.RecordSinkDeliveredAsync(delivered, "slack", CancellationToken.None);
        await DeliverAsync(store, delivered);

        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, (await store.PruneAsync(CancellationToken.None)).DeliveredNotifications);

        Assert.Empty(await store.DeliveredSinksAsync(delivered, CancellationToken.None));
    }

    [StoreFact]
    public async Task PruneNeverForgetsWorkInFlight()
    {
        var time = TestNotifications.Clock();
        var store = Open(time, new StoreRetention(DeliveredRetention: TimeSpan.FromDays(1), FailedRetention: TimeSpan.FromDays(3)));
        var claimed = await AcceptAsync(store, "claimed");
        await ClaimIdsAsync(store);
        time.Advance(TimeSpan.FromDays(10));
        Assert.True(await store.RenewLeaseAsync(claimed, Worker, Lease, CancellationToken.None));

        await store.PruneAsync(CancellationToken.None);

        Assert.Equal(NotificationState.InFlight, (await store.FindAsync(claimed, CancellationToken.None))!.State);
    }

    // ---- Slack post intents (exactly one top-level message per group across crashes) ----

    private static SlackPostIntent Intent(TimeProvider time, string groupKey = "g1", string channel = "C1") =>
        new("alertmanager", groupKey, channel, Guid.NewGuid().ToString("N"), time.GetUtcNow());

    [StoreFact]
    public async Task AnOpenPostIntentSurvivesARestartAndIsWhatTheNextDeliveryOfTheGroupGetsBack()
    {
        var time = TestNotifications.Clock();
        var first = (ISlackMessageStore)Open(time);
        var begun = Intent(time);
        Assert.Equal(begun, await first.BeginPostAsync(begun, CancellationToken.None));
        // Killed here: Slack may have the post, the store never heard its ts.
        (first as IDisposable)?.Dispose();

        time.Advance(TimeSpan.FromMinutes(1));
        var second = (ISlackMessageStore)Open(time);
        var again = await second.BeginPostAsync(Intent(time), CancellationToken.None);

        Assert.Equal(begun.DeliveryId, again.DeliveryId);
        Assert.Equal(begun.RecordedAt.ToUnixTimeMilliseconds(), again.RecordedAt.ToUnixTimeMilliseconds());
        Assert.Null(await second.FindSlackMessageAsync("alertmanager", "g1", "C1", CancellationToken.None));
    }

    [StoreFact]
    public async Task CompletingAPostSavesItsRecordAndClosesItsIntentSoTheNextPostIsANewOne()
    {
        var time = TestNotifications.Clock();
        var store = (ISlackMessageStore)Open(time);
        var intent = await store.BeginPostAsync(Intent(time, channel: "#alerts"), CancellationToken.None);
        // Slack answers with the channel's ID: the record keeps it, the intent was keyed by the routed name.
        var record = new SlackMessageRecord("alertmanager", "g1", "C0ALERTS", "1700000000.000100", null, AlertStatus.Firing, time.GetUtcNow());

        await store.CompletePostAsync(intent, record, CancellationToken.None);

        var found = await store.FindSlackMessageAsync("alertmanager", "g1", "#alerts", CancellationToken.None);
        Assert.Equal("1700000000.000100", found?.Ts);
        var next = Intent(time, channel: "#alerts");
        Assert.Equal(next.DeliveryId, (await store.BeginPostAsync(next, CancellationToken.None)).DeliveryId);
    }

    [StoreFact]
    public async Task PostIntentsAreKeptPerGroupAndChannel()
    {
        var time = TestNotifications.Clock();
        var store = (ISlackMessageStore)Open(time);
        var a = await store.BeginPostAsync(Intent(time, "g1", "C1"), CancellationToken.None);
        var b = await store.BeginPostAsync(Intent(time, "g2", "C1"), CancellationToken.None);
        var c = await store.BeginPostAsync(Intent(time, "g1", "C2"), CancellationToken.None);

        Assert.Equal(3, new[] { a.DeliveryId, b.DeliveryId, c.DeliveryId }.Distinct().Count());
    }

    // ---- Slack storm digests (one per channel, whichever processes the storm's groups reach) ----

    private static readonly TimeSpan StormWindow = TimeSpan.FromSeconds(30);

    private static SlackStormRecord StormCandidate(TimeProvider time) =>
        new("C1", Guid.NewGuid().ToString("N"), time.GetUtcNow(), time.GetUtcNow(), 0, 0);

    private static SlackStormMemberRecord StormGroup(string stormId, string groupKey, int alerts = 1, AlertStatus status = AlertStatus.Firing) =>
        new(stormId, "alertmanager", groupKey, "Rule " + groupKey, "checkout", alerts, status, Detailed: false);

    private static readonly (string, string) Arriving = ("alertmanager", "arriving");

    private static Task AloneAsync(ISlackStormStore store, TimeProvider time, string groupKey, int alerts, TimeSpan? ago = null) =>
        store.RecordAloneAsync("C1", "alertmanager", groupKey, alerts, time.GetUtcNow() - (ago ?? TimeSpan.Zero), time.GetUtcNow() - StormWindow, CancellationToken.None);

    [StoreFact]
    public async Task AStormCountsEveryGroupAnyProcessPostedAloneInTheWindowAndASecondOpenerJoinsIt()
    {
        var time = TestNotifications.Clock();
        ISlackStormStore a = (ISlackStormStore)Open(time), b = (ISlackStormStore)Open(time);
        await AloneAsync(a, time, "old", 7, ago: StormWindow + TimeSpan.FromSeconds(1));
        await AloneAsync(a, time, "g1", 2);
        await AloneAsync(b, time, "g2", 3);
        await AloneAsync(b, time, "g2", 3);
        // The group arriving now was posted alone once before (resolved, firing again): it is in the storm, not above it.
        await AloneAsync(a, time, "arriving", 4);
        var first = StormCandidate(time);

        var opened = await a.OpenStormAsync(first, Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3));
        var joined = await b.OpenStormAsync(StormCandidate(time), ("alertmanager", "g9"), time.GetUtcNow() - StormWindow, create: true, CancellationToken.None);

        Assert.Equal(first with { EarlierGroups = 2, EarlierAlerts = 5 }, opened);
        Assert.Equal(first.StormId, joined?.StormId);
        Assert.Equal((2, 5), (joined!.EarlierGroups, joined.EarlierAlerts));
        Assert.Equal(first.Start.ToUnixTimeMilliseconds(), joined.Start.ToUnixTimeMilliseconds());
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), joined.LastArrival.ToUnixTimeMilliseconds());
        var found = await a.FindStormAsync("C1", CancellationToken.None);
        Assert.Equal((first.StormId, 2, 5), (found?.StormId, found?.EarlierGroups, found?.EarlierAlerts));
        Assert.Null(await a.FindStormAsync("C2", CancellationToken.None));
    }

    [StoreFact]
    public async Task AGroupPostedAloneWhileAnotherProcessOpenedTheStormIsCountedByItOnce()
    {
        var time = TestNotifications.Clock();
        ISlackStormStore a = (ISlackStormStore)Open(time), b = (ISlackStormStore)Open(time);
        await a.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None);

        await AloneAsync(b, time, "late", 3);
        await AloneAsync(b, time, "late", 3);

        var found = await a.FindStormAsync("C1", CancellationToken.None);
        Assert.Equal((1, 3), (found?.EarlierGroups, found?.EarlierAlerts));
    }

    [StoreFact]
    public async Task ProcessesOpeningAStormAtOnceAgreeOnOneAndEveryEarlierGroupIsCountedOnce()
    {
        var time = TestNotifications.Clock();
        var stores = Enumerable.Range(0, 2).Select(_ => (ISlackStormStore)Open(time)).ToList();
        await AloneAsync(stores[0], time, "g1", 1);
        await AloneAsync(stores[1], time, "g2", 2);

        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            stores[i % 2].OpenStormAsync(StormCandidate(time), ("alertmanager", $"n{i}"), time.GetUtcNow() - StormWindow, create: true, CancellationToken.None)));

        Assert.Single(opened.Select(o => o!.StormId).Distinct());
        Assert.All(opened, o => Assert.Equal((2, 3), (o!.EarlierGroups, o.EarlierAlerts)));
        var found = await stores[0].FindStormAsync("C1", CancellationToken.None);
        Assert.Equal((2, 3), (found?.EarlierGroups, found?.EarlierAlerts));
    }

    [StoreFact]
    public async Task AStormQuietForAWholeWindowIsJoinedByNoOneAndReplacedByTheNextWithItsMembersForgotten()
    {
        var time = TestNotifications.Clock();
        var store = (ISlackStormStore)Open(time);
        var old = (await store.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None))!;
        await store.SaveStormMemberAsync(StormGroup(old.StormId, "g1"), time.GetUtcNow(), CancellationToken.None);
        time.Advance(StormWindow + TimeSpan.FromSeconds(1));

        Assert.Null(await store.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: false, CancellationToken.None));
        var next = StormCandidate(time);
        Assert.Equal(next.StormId, (await store.OpenStormAsync(next, Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None))?.StormId);

        Assert.Equal(next.StormId, (await store.FindStormAsync("C1", CancellationToken.None))?.StormId);
        Assert.Empty(await store.StormMembersAsync(old.StormId, CancellationToken.None));
    }

    [StoreFact]
    public async Task StormMembersAreListedInJoinOrderUpdatedInPlaceAndEachCountsAsAnArrival()
    {
        var time = TestNotifications.Clock();
        ISlackStormStore a = (ISlackStormStore)Open(time), b = (ISlackStormStore)Open(time);
        var storm = (await a.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None))!;

        await a.SaveStormMemberAsync(StormGroup(storm.StormId, "g2", alerts: 3), time.GetUtcNow(), CancellationToken.None);
        await b.SaveStormMemberAsync(StormGroup(storm.StormId, "g1"), time.GetUtcNow(), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(20));
        await b.SaveStormMemberAsync(StormGroup(storm.StormId, "g2", alerts: 4, AlertStatus.Resolved) with { Detailed = true }, time.GetUtcNow(), CancellationToken.None);

        var members = await a.StormMembersAsync(storm.StormId, CancellationToken.None);
        Assert.Equal(["g2", "g1"], members.Select(m => m.GroupKey));
        Assert.Equal(StormGroup(storm.StormId, "g2", alerts: 4, AlertStatus.Resolved) with { Detailed = true }, members[0]);
        Assert.Equal(StormGroup(storm.StormId, "g1"), members[1]);
        // The last arrival moved with the member: the storm is still open a window after it began.
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(storm.StormId, (await b.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: false, CancellationToken.None))?.StormId);
    }

    [StoreFact]
    public async Task TheDigestClaimIsHeldByOneProcessUntilReleasedOrRunOutAndTheDigestTsIsRecordedOnce()
    {
        var time = TestNotifications.Clock();
        ISlackStormStore a = (ISlackStormStore)Open(time), b = (ISlackStormStore)Open(time);
        var storm = (await a.OpenStormAsync(StormCandidate(time), Arriving, time.GetUtcNow() - StormWindow, create: true, CancellationToken.None))!;
        var now = time.GetUtcNow();

        Assert.True(await a.ClaimDigestAsync(storm.StormId, Worker, now, now + Lease, CancellationToken.None));
        Assert.False(await b.ClaimDigestAsync(storm.StormId, OtherWorker, now, now + Lease, CancellationToken.None));
        Assert.True(await a.ClaimDigestAsync(storm.StormId, Worker, now, now + Lease, CancellationToken.None));
        await a.ReleaseDigestAsync(storm.StormId, Worker, "1700000000.000100", "C0ALERTS", CancellationToken.None);

        Assert.True(await b.ClaimDigestAsync(storm.StormId, OtherWorker, now, now + Lease, CancellationToken.None));
        // Its holder died: after the lease the claim is another's.
        time.Advance(Lease + TimeSpan.FromSeconds(1));
        now = time.GetUtcNow();
        Assert.True(await a.ClaimDigestAsync(storm.StormId, Worker, now, now + Lease, CancellationToken.None));
        // A late release by the process that lost the claim neither frees it nor changes the recorded digest.
        await b.ReleaseDigestAsync(storm.StormId, OtherWorker, "1700000000.000999", "C0OTHER", CancellationToken.None);
        Assert.False(await b.ClaimDigestAsync(storm.StormId, OtherWorker, now, now + Lease, CancellationToken.None));

        var found = await b.FindStormAsync("C1", CancellationToken.None);
        Assert.Equal(("1700000000.000100", "C0ALERTS"), (found?.DigestTs, found?.DigestChannel));
        Assert.False(await a.ClaimDigestAsync("no-such-storm", Worker, now, now + Lease, CancellationToken.None));
    }

    [StoreFact]
    public async Task StoreThatIsOpenAnswersPing()
    {
        var store = Open(TestNotifications.Clock());

        Assert.True(await store.PingAsync(CancellationToken.None));
    }
}

/// <summary>How long a store under test remembers; null leaves the implementation's default.</summary>
public sealed record StoreRetention(TimeSpan? DedupeRetention = null, TimeSpan? DeliveredRetention = null, TimeSpan? FailedRetention = null);

/// <summary>The contract on a SQLite file per test.</summary>
public sealed class SqliteAlertStoreContractTests : AlertStoreContract
{
    private readonly TempDatabase _db = new();

    protected override IAlertStore OpenStore(TimeProvider time, StoreRetention? retention = null) =>
        _db.Open(time, configure: o =>
        {
            o.DedupeRetention = retention?.DedupeRetention ?? o.DedupeRetention;
            o.DeliveredRetention = retention?.DeliveredRetention ?? o.DeliveredRetention;
            o.FailedRetention = retention?.FailedRetention ?? o.FailedRetention;
        });

    public override void Dispose()
    {
        base.Dispose();
        _db.Dispose();
    }
}
