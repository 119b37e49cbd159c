using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends;

/// <summary>
/// Backend answers shared between alerts: one request per question while it runs (every caller awaits the same one),
/// and its success kept until <see cref="EnrichmentOptions.CacheTtl"/> has passed since it was last used (so a storm
/// keeps its answers for as long as it lasts). A question is a key plus, for searches, a window: windows whose starts
/// and ends each lie within <see cref="EnrichmentOptions.CacheWindowTolerance"/> of a kept answer's are the same
/// question. Failures are not kept: the next alert asks again. Answers can also be handed in without a request
/// (<see cref="Offer{T}"/>: whole traces a search already returned).
/// The shared request is cancelled when every caller waiting on it has given up, or at the latest after
/// <see cref="EnrichmentOptions.Budget"/> (in a steady storm new callers keep joining, so it would otherwise never end).
/// Expired answers are dropped whenever a new request starts; bounded: at most <see cref="MaxEntries"/> finished
/// answers, the least recently used dropped first.
/// </summary>
public sealed class BackendQueryCache(IOptions<EnrichmentOptions> options, TimeProvider time)
{
    /// <summary>A storm of thousands of alerts over hundreds of services still fits; each entry is a few traces.</summary>
    public const int MaxEntries = 1000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Entry>> entries = new(StringComparer.Ordinal);
    private int count;

    /// <summary>Entries held now (finished and running), for tests and diagnostics.</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return count;
        }
    }

    /// <summary>The answer to an exact question (a trace by id).</summary>
    public Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken) =>
        GetOrAddAsync(key, window: null, fetch, cancellationToken);

    /// <summary>The answer to <paramref name="key"/> over <paramref name="window"/>, or one over a window within the tolerance.</summary>
    public async Task<T> GetOrAddAsync<T>(string key, AlertWindow? window, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Entry entry;
        bool running;
        lock (gate)
        {
            if (Find(key, window) is { } found)
            {
                entry = found;
                entry.LastUsed = time.GetUtcNow();
            }
            else
            {
                SweepExpired();
                entry = new Entry(key, window, new CancellationTokenSource(options.Value.Budget, time));
                Add(entry);
                entry.Task = RunAsync(entry, fetch);
                EvictIfFull();
            }
            running = !entry.Done;
            if (running)
                entry.Waiters++;
        }
        if (!running)
            return (T)(await entry.Task.ConfigureAwait(false))!;

        var waiter = new Waiter(this, entry);
        await using var registration = cancellationToken.Register(static w => ((Waiter)w!).Leave(), waiter).ConfigureAwait(false);
        try
        {
            return (T)(await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            waiter.Leave();
        }
    }

    /// <summary>Keeps <paramref name="value"/> as the answer to <paramref name="key"/> unless one is kept or running already.</summary>
    public void Offer<T>(string key, T value)
    {
        if (options.Value.CacheTtl <= TimeSpan.Zero)
            return;
        lock (gate)
        {
            if (Find(key, window: null) is not null)
                return;
            var entry = new Entry(key, null, null) { Done = true, LastUsed = time.GetUtcNow(), Task = Task.FromResult<object?>(value) };
            Add(entry);
            EvictIfFull();
        }
    }

    private Entry? Find(string key, AlertWindow? window)
    {
        if (!entries.TryGetValue(key, out var list))
            return null;
        var tolerance = options.Value.CacheWindowTolerance;
        // The newest matching answer: in a storm that drifts, it is the closest to this alert's window.
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var entry = list[i];
            if (!Expired(entry) && Near(entry.Window, window, tolerance))
                return entry;
        }
        return null;
    }

    private static bool Near(AlertWindow? kept, AlertWindow? asked, TimeSpan tolerance) =>
        (kept, asked) switch
        {
            (null, null) => true,
            ({ } a, { } b) => (a.Start - b.Start).Duration() <= tolerance && (a.End - b.End).Duration() <= tolerance,
            _ => false,
        };

    private async Task<object?> RunAsync<T>(Entry entry, Func<CancellationToken, Task<T>> fetch)
    {
        // Out of the lock before the backend runs.
        await Task.Yield();
        try
        {
            var result = await fetch(entry.Cancellation!.Token).ConfigureAwait(false);
            lock (gate)
            {
                entry.Done = true;
                entry.LastUsed = time.GetUtcNow();
                entry.Cancellation.Dispose();
                if (options.Value.CacheTtl <= TimeSpan.Zero)
                    Remove(entry);
            }
            return result;
        }
        catch
        {
            lock (gate)
            {
                entry.Done = true;
                entry.Cancellation!.Dispose();
                Remove(entry);
            }
            throw;
        }
    }

    private bool Expired(Entry entry) =>
        entry.Done && time.GetUtcNow() - entry.LastUsed >= options.Value.CacheTtl;

    private void Add(Entry entry)
    {
        if (!entries.TryGetValue(entry.Key, out var list))
            entries[entry.Key] = list = [];
        list.Add(entry);
        count++;
    }

    private void Remove(Entry entry)
    {
        if (entries.TryGetValue(entry.Key, out var list) && list.Remove(entry))
        {
            count--;
            if (list.Count == 0)
                entries.Remove(entry.Key);
        }
    }

    private IEnumerable<Entry> All() => entries.Values.SelectMany(list => list);

    /// <summary>Finished answers past their TTL hold whole traces: drop them as soon as anything new comes in.</summary>
    private void SweepExpired()
    {
        foreach (var entry in All().Where(Expired).ToList())
            Remove(entry);
    }

    private void EvictIfFull()
    {
        var excess = count - MaxEntries;
        if (excess <= 0)
            return;
        // Running requests are never dropped: their callers are waiting on them.
        foreach (var entry in All().Where(e => e.Done).OrderBy(e => e.LastUsed).Take(excess).ToList())
            Remove(entry);
    }

    /// <param name="cancellation">Cancelled when every waiter has left, or when the budget runs out; null for an offered answer.</param>
    private sealed class Entry(string key, AlertWindow? window, CancellationTokenSource? cancellation)
    {
        public readonly string Key = key;
        public readonly AlertWindow? Window = window;
        public Task<object?> Task = null!;
        public readonly CancellationTokenSource? Cancellation = cancellation;
        public int Waiters;
        public bool Done;
        public DateTimeOffset LastUsed;
    }

    /// <summary>One caller waiting on a running request; leaving twice (cancelled, then finally) counts once.</summary>
    private sealed class Waiter(BackendQueryCache cache, Entry entry)
    {
        private int left;

        public void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 1)
                return;
            lock (cache.gate)
            {
                if (--entry.Waiters > 0 || entry.Done)
                    return;
                // Nobody wants the answer any more: stop the request, and let the next caller start afresh.
                cache.Remove(entry);
            }
            try
            {
                // Outside the lock: cancellation runs the request's callbacks, which end in RunAsync taking it.
                entry.Cancellation?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished in the meantime.
            }
        }
    }
}
