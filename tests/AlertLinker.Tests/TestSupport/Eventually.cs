namespace AlertLinker.Tests.TestSupport;

/// <summary>Bounded waiting for something another thread or process does. Never an assertion on speed.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<bool> probe, TimeSpan timeout, string what) =>
        await UntilAsync(() => probe() ? "" : null, timeout, what);
}
