using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends;

/// <summary>
/// Backend answers shared between alerts: one request per key while it runs (every caller awaits the same one), and
/// its success kept for <see cref="EnrichmentOptions.CacheTtl"/>. Failures are not kept: the next alert asks again.
/// The shared request is cancelled when every caller waiting on it has given up, or at the latest after
/// <see cref="EnrichmentOptions.Budget"/> (in a steady storm new callers keep joining, so it would otherwise never end).
/// Expired answers are dropped whenever a new request starts; bounded: at most <see cref="MaxEntries"/> finished
/// answers, the oldest dropped first.
/// </summary>
public sealed class BackendQueryCache(IOptions<EnrichmentOptions> options, TimeProvider time)
{
    /// <summary>A storm of thousands of alerts over hundreds of services still fits; each entry is a few traces.</summary>
    public const int MaxEntries = 1000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Entries held now (finished and running), for tests and diagnostics.</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return entries.Count;
        }
    }

    public async Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Entry entry;
        bool running;
        lock (gate)
        {
            if (!entries.TryGetValue(key, out entry!) || Expired(entry))
            {
                SweepExpired();
                entry = new Entry(new CancellationTokenSource(options.Value.Budget, time));
                entries[key] = entry;
                entry.Task = RunAsync(key, entry, fetch);
                EvictIfFull();
            }
            running = !entry.Done;
            if (running)
                entry.Waiters++;
        }
        if (!running)
            return (T)(await entry.Task.ConfigureAwait(false))!;

        var waiter = new Waiter(this, entry, key);
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

    private async Task<object?> RunAsync<T>(string key, Entry entry, Func<CancellationToken, Task<T>> fetch)
    {
        // Out of the lock before the backend runs.
        await Task.Yield();
        try
        {
            var result = await fetch(entry.Cancellation.Token).ConfigureAwait(false);
            lock (gate)
            {
                entry.Done = true;
                entry.StoredAt = time.GetUtcNow();
                entry.Cancellation.Dispose();
                if (options.Value.CacheTtl <= TimeSpan.Zero)
                    Remove(key, entry);
            }
            return result;
        }
        catch
        {
            lock (gate)
            {
                entry.Done = true;
                entry.Cancellation.Dispose();
                Remove(key, entry);
            }
            throw;
        }
    }

    private bool Expired(Entry entry) =>
        entry.Done && time.GetUtcNow() - entry.StoredAt >= options.Value.CacheTtl;

    private void Remove(string key, Entry entry)
    {
        if (entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            entries.Remove(key);
    }

    /// <summary>Finished answers past their TTL hold whole traces: drop them as soon as anything new comes in.</summary>
    private void SweepExpired()
    {
        foreach (var (key, _) in entries.Where(e => Expired(e.Value)).ToList())
            entries.Remove(key);
    }

    private void EvictIfFull()
    {
        if (entries.Count <= MaxEntries)
            return;
        // Running requests are never dropped: their callers are waiting on them.
        var excess = entries.Count - MaxEntries;
        if (excess <= 0)
            return;
        foreach (var (key, _) in entries.Where(e => e.Value.Done).OrderBy(e => e.Value.StoredAt).Take(excess).ToList())
            entries.Remove(key);
    }

    /// <param name="cancellation">Cancelled when every waiter has left, or when the budget runs out.</param>
    private sealed class Entry(CancellationTokenSource cancellation)
    {
        public Task<object?> Task = null!;
        public readonly CancellationTokenSource Cancellation = cancellation;
        public int Waiters;
        public bool Done;
        public DateTimeOffset StoredAt;
    }

    /// <summary>One caller waiting on a running request; leaving twice (cancelled, then finally) counts once.</summary>
    private sealed class Waiter(BackendQueryCache cache, Entry entry, string key)
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
                cache.Remove(key, entry);
            }
            try
            {
                // Outside the lock: cancellation runs the request's callbacks, which end in RunAsync taking it.
                entry.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished in the meantime.
            }
        }
    }
}
