using System.Diagnostics;

namespace AlertLinker.Tests.EndToEnd.Harness;

/// <summary>
/// Bounded polling for end-to-end tests. Real processes run on real time, so these waits use the wall clock
/// (unit tests use FakeTimeProvider instead); every wait has a deadline and says what it waited for.
/// </summary>
internal static class BoundedWait
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls until <paramref name="probe"/> returns a value, or throws a TimeoutException naming what never happened.</summary>
    public static async Task<T> GetAsync<T>(
        string what,
        TimeSpan timeout,
        Func<CancellationToken, Task<T?>> probe,
        Func<string>? diagnostics = null,
        CancellationToken cancellationToken = default)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var value = await probe(cancellationToken);
                if (value is not null)
                    return value;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                last = ex;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
        throw new TimeoutException(
            $"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}"
            + (last is null ? "" : $"\nLast error: {last.GetType().Name}: {last.Message}")
            + (diagnostics is null ? "" : "\n" + diagnostics()));
    }

    public static Task UntilAsync(
        string what,
        TimeSpan timeout,
        Func<CancellationToken, Task<bool>> condition,
        Func<string>? diagnostics = null,
        CancellationToken cancellationToken = default) =>
        GetAsync<object>(what, timeout, async ct => await condition(ct) ? Ok : null, diagnostics, cancellationToken);

    private static readonly object Ok = new();
}
