using AlertLinker.Backends;
using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Backends;

public sealed class BackendQueryCacheTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero));

    private BackendQueryCache Cache(TimeSpan? ttl = null, TimeSpan? budget = null) =>
        new(Options.Create(new EnrichmentOptions
        {
            CacheTtl = ttl ?? TimeSpan.FromSeconds(60),
            Budget = budget ?? TimeSpan.FromSeconds(5),
        }), time);

    [Fact]
    public async Task ConcurrentCallersOfOneKeyShareOneRequest()
    {
        var cache = Cache();
        var calls = 0;
        var answer = new TaskCompletionSource<string>();

        var first = cache.GetOrAddAsync("k", _ => { Interlocked.Increment(ref calls); return answer.Task; }, CancellationToken.None);
        var second = cache.GetOrAddAsync("k", _ => { Interlocked.Increment(ref calls); return answer.Task; }, CancellationToken.None);
        answer.SetResult("traces");

        Assert.Equal(["traces", "traces"], await Task.WhenAll(first, second));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task AnAnswerIsReusedUntilTheTtlPassesWithoutAUse()
    {
        var cache = Cache(TimeSpan.FromSeconds(60));
        var calls = 0;
        Task<int> Fetch(CancellationToken _) => Task.FromResult(Interlocked.Increment(ref calls));

        Assert.Equal(1, await cache.GetOrAddAsync("k", Fetch, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(59));
        // Used again: kept another 60 s (a storm keeps its answers while it lasts).
        Assert.Equal(1, await cache.GetOrAddAsync("k", Fetch, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, await cache.GetOrAddAsync("k", Fetch, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, await cache.GetOrAddAsync("k", Fetch, CancellationToken.None));
        Assert.Equal(3, await cache.GetOrAddAsync("other", Fetch, CancellationToken.None));
    }

    [Fact]
    public async Task AnOfferedAnswerIsServedWithoutARequestAndNeverReplacesOne()
    {
        var cache = Cache();
        var calls = 0;
        cache.Offer("trace", "from the search");
        cache.Offer("trace", "a second offer");

        Assert.Equal("from the search", await cache.GetOrAddAsync("trace", _ => { calls++; return Task.FromResult("fetched"); }, CancellationToken.None));
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task AFailureIsNotKept()
    {
        var cache = Cache();
        var calls = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetOrAddAsync<int>("k", _ =>
        {
            calls++;
            throw new HttpRequestException("down");
        }, CancellationToken.None));
        Assert.Equal(7, await cache.GetOrAddAsync("k", _ => { calls++; return Task.FromResult(7); }, CancellationToken.None));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task WithoutTtlOnlyRunningRequestsAreShared()
    {
        var cache = Cache(TimeSpan.Zero);
        var calls = 0;
        var answer = new TaskCompletionSource<int>();

        var first = cache.GetOrAddAsync("k", _ => { calls++; return answer.Task; }, CancellationToken.None);
        var second = cache.GetOrAddAsync("k", _ => { calls++; return answer.Task; }, CancellationToken.None);
        answer.SetResult(1);
        await Task.WhenAll(first, second);
        await cache.GetOrAddAsync("k", _ => { calls++; return Task.FromResult(2); }, CancellationToken.None);

        Assert.Equal(2, calls);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task OneCallerGivingUpDoesNotCancelTheRequestForTheOthers()
    {
        var cache = Cache();
        var answer = new TaskCompletionSource<string>();
        CancellationToken shared = default;
        using var impatient = new CancellationTokenSource();

        var first = cache.GetOrAddAsync("k", token => { shared = token; return answer.Task.WaitAsync(token); }, impatient.Token);
        var second = cache.GetOrAddAsync("k", _ => answer.Task, CancellationToken.None);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(shared.IsCancellationRequested);
        answer.SetResult("traces");
        Assert.Equal("traces", await second);
    }

    [Fact]
    public async Task WhenEveryCallerGivesUpTheRequestIsCancelledAndNotKept()
    {
        var cache = Cache();
        CancellationToken shared = default;
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        var started = new TaskCompletionSource();

        Task<int> Hang(CancellationToken token)
        {
            shared = token;
            started.SetResult();
            return Task.Delay(Timeout.Infinite, token).ContinueWith(_ => 0, TaskScheduler.Default);
        }

        var first = cache.GetOrAddAsync("k", Hang, a.Token);
        var second = cache.GetOrAddAsync("k", Hang, b.Token);
        await started.Task;
        await a.CancelAsync();
        Assert.False(shared.IsCancellationRequested);
        await b.CancelAsync();

        Assert.True(shared.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(5, await cache.GetOrAddAsync("k", _ => Task.FromResult(5), CancellationToken.None));
    }

    [Fact]
    public async Task TheOnlyCallerGivingUpEndsAtOnceEvenWhenTheRequestStopsInline()
    {
        // A backend awaiting its token directly (a poll delay, an HTTP call): cancelling it runs its continuation inline.
        var cache = Cache();
        using var budget = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        CancellationToken request = default;

        async Task<int> Poll(CancellationToken token)
        {
            request = token;
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }

        var search = cache.GetOrAddAsync("k", Poll, budget.Token);
        await started.Task;
        await budget.CancelAsync();

        var ended = await Task.WhenAny(search, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(search, ended);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
        Assert.True(request.IsCancellationRequested, "the request nobody waits for any more is cancelled");
        Assert.Equal(5, await cache.GetOrAddAsync("k", _ => Task.FromResult(5), CancellationToken.None));
    }

    [Fact]
    public async Task ACancelledCallerDoesNotStartARequest()
    {
        var cache = Cache();
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            cache.GetOrAddAsync("k", _ => Task.FromResult(++calls), new CancellationToken(canceled: true)));
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task TheCacheIsBoundedAndDropsTheOldestAnswersFirst()
    {
        var cache = Cache(TimeSpan.FromMinutes(10));
        for (var i = 0; i <= BackendQueryCache.MaxEntries; i++)
        {
            await cache.GetOrAddAsync("k" + i, _ => Task.FromResult(i), CancellationToken.None);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(BackendQueryCache.MaxEntries, cache.Count);
        var refetched = false;
        await cache.GetOrAddAsync("k0", _ => { refetched = true; return Task.FromResult(0); }, CancellationToken.None);
        Assert.True(refetched);
        Assert.Equal(BackendQueryCache.MaxEntries, cache.Count);
    }

    [Fact]
    public async Task ExpiredAnswersAreDroppedWhenTheNextRequestStartsNotOnlyWhenTheCacheIsFull()
    {
        var cache = Cache(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 10; i++)
            await cache.GetOrAddAsync("k" + i, _ => Task.FromResult(i), CancellationToken.None);
        Assert.Equal(10, cache.Count);

        time.Advance(TimeSpan.FromSeconds(60));
        await cache.GetOrAddAsync("new", _ => Task.FromResult(-1), CancellationToken.None);

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task ASharedRequestEndsWithTheBudgetEvenWhileCallersKeepJoining()
    {
        var cache = Cache(budget: TimeSpan.FromSeconds(5));
        var started = new TaskCompletionSource();
        CancellationToken request = default;
        var calls = 0;

        async Task<int> Poll(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            request = token;
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }

        var callers = new List<Task<int>> { cache.GetOrAddAsync("k", Poll, CancellationToken.None) };
        await started.Task;
        for (var second = 1; second < 5; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            callers.Add(cache.GetOrAddAsync("k", Poll, CancellationToken.None));
        }
        Assert.False(request.IsCancellationRequested, "still within the budget");

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(request.IsCancellationRequested, "the budget has passed since the request started");
        foreach (var caller in callers)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller);
        Assert.Equal(1, calls);
        Assert.Equal(5, await cache.GetOrAddAsync("k", _ => Task.FromResult(5), CancellationToken.None));
    }
}
