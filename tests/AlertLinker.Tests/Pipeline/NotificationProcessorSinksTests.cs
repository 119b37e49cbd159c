using AlertLinker.Backends;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using AlertLinker.Tests.Storage;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Pipeline;

/// <summary>Several sinks: each gets the notification, each answers for itself, and a retry skips those that have it.</summary>
public sealed class NotificationProcessorSinksTests : IDisposable
{
    private readonly TempDatabase db = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider time = TestNotifications.Clock();

    public void Dispose() => db.Dispose();

    /// <summary>A sink that answers what the test scripts, one answer per call (the last one repeats), and counts its calls.</summary>
    private sealed class ScriptedSink(string name, params DeliveryResult[] answers) : IAlertSink
    {
        public int Calls;

        public string Name => name;

        public Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref Calls);
            return Task.FromResult(answers[Math.Min(call, answers.Length) - 1]);
        }
    }

    private sealed class NoRunbooks : IRunbookRenderer
    {
        public bool IsReady => true;

        public IReadOnlyList<RenderedRunbook> Render(ResolvedAlert alert, IReadOnlyList<BackendSection> backends, IReadOnlyList<LogLink>? logLinks = null) => [];
    }

    private NotificationProcessor Processor(IAlertStore store, params IAlertSink[] sinks)
    {
        var enricher = new Enricher(new BackendDirectory(new ServiceCollection().BuildServiceProvider()),
            Options.Create(new EnrichmentOptions()), time, TestMetrics.Create().Metrics, NullLogger<Enricher>.Instance);
        var resolver = new AlertResolver(Options.Create(new ServiceOptions()), Options.Create(new WindowOptions()));
        return new NotificationProcessor([], resolver, enricher, new NoRunbooks(), sinks, store, TestMetrics.Create().Metrics, time);
    }

    private static async Task<ClaimedNotification> ClaimAsync(IAlertStore store)
    {
        await store.AcceptAsync(TestNotifications.Create(), CancellationToken.None);
        return Assert.Single(await store.ClaimDueAsync("worker", 1, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task EverySinkGetsTheNotificationAndAnswersForItself()
    {
        using var store = db.Open(time);
        var slack = new ScriptedSink("slack", DeliveryResult.Ok);
        var teams = new ScriptedSink("teams", DeliveryResult.Retry("HTTP 503", TimeSpan.FromSeconds(30)));

        var result = await Processor(store, slack, teams).ProcessAsync(await ClaimAsync(store), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.True(result.Retryable);
        Assert.Equal("teams: HTTP 503", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
        Assert.Equal(["slack", "teams"], result.Sinks.Select(s => s.Sink));
        Assert.True(result.Sinks[0].Result.Delivered);
        Assert.False(result.Sinks[1].Result.Delivered);
    }

    [Fact]
    public async Task ARetrySendsOnlyToTheSinksThatDidNotHaveItYet()
    {
        using var store = db.Open(time);
        var slack = new ScriptedSink("slack", DeliveryResult.Ok);
        var teams = new ScriptedSink("teams", DeliveryResult.Retry("HTTP 503"), DeliveryResult.Ok);
        var processor = Processor(store, slack, teams);
        var claimed = await ClaimAsync(store);

        Assert.False((await processor.ProcessAsync(claimed, CancellationToken.None)).Delivered);
        var retried = await processor.ProcessAsync(claimed, CancellationToken.None);

        Assert.True(retried.Delivered);
        Assert.Equal(1, slack.Calls);
        Assert.Equal(2, teams.Calls);
        Assert.True(retried.Sinks.Single(s => s.Sink == "slack").Earlier);
        Assert.False(retried.Sinks.Single(s => s.Sink == "teams").Earlier);
        Assert.Equal(["slack", "teams"], (await store.DeliveredSinksAsync(claimed.Id, CancellationToken.None)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WhatASinkAlreadyHasSurvivesARestartOfTheStore()
    {
        ClaimedNotification claimed;
        using (var before = db.Open(time))
        {
            claimed = await ClaimAsync(before);
            await Processor(before, new ScriptedSink("slack", DeliveryResult.Ok), new ScriptedSink("teams", DeliveryResult.Permanent("invalid_auth")))
                .ProcessAsync(claimed, CancellationToken.None);
        }
        using var after = db.Open(time);
        var slack = new ScriptedSink("slack", DeliveryResult.Ok);

        var result = await Processor(after, slack, new ScriptedSink("teams", DeliveryResult.Ok)).ProcessAsync(claimed, CancellationToken.None);

        Assert.True(result.Delivered);
        Assert.Equal(0, slack.Calls);
    }

    [Fact]
    public async Task WithOneSinkItsResultIsTheResultAndNothingIsRecorded()
    {
        using var store = db.Open(time);
        var failure = DeliveryResult.Retry("HTTP 429", TimeSpan.FromSeconds(7));
        var only = new ScriptedSink("slack", failure, DeliveryResult.Ok);
        var processor = Processor(store, only);
        var claimed = await ClaimAsync(store);

        var first = await processor.ProcessAsync(claimed, CancellationToken.None);
        var second = await processor.ProcessAsync(claimed, CancellationToken.None);

        Assert.Equal(failure with { Sinks = first.Sinks }, first);
        Assert.Equal("slack", Assert.Single(first.Sinks).Sink);
        Assert.True(second.Delivered);
        Assert.Empty(await store.DeliveredSinksAsync(claimed.Id, CancellationToken.None));
    }

    [Fact]
    public async Task WhenEverySinkWithoutItAsksToBeAskedLaterTheNotificationIsDeferred()
    {
        using var store = db.Open(time);
        var processor = Processor(store,
            new ScriptedSink("slack", DeliveryResult.Later("storm digest", TimeSpan.FromSeconds(5))),
            new ScriptedSink("teams", DeliveryResult.Ok));

        var result = await processor.ProcessAsync(await ClaimAsync(store), CancellationToken.None);

        Assert.True(result.Deferred);
        Assert.Equal(TimeSpan.FromSeconds(5), result.RetryAfter);
    }

    [Fact]
    public void TwoSinksOfOneNameAreRefused()
    {
        using var store = db.Open(time);

        var error = Assert.Throws<InvalidOperationException>(() =>
            Processor(store, new ScriptedSink("slack", DeliveryResult.Ok), new ScriptedSink("slack", DeliveryResult.Ok)));

        Assert.Contains("'slack'", error.Message, StringComparison.Ordinal);
    }
}
