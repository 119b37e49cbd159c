using Microsoft.Extensions.Options;

namespace AlertLinker.Preview;

/// <summary>At most <see cref="PreviewOptions.MaxConcurrent"/> previews at once: each one costs a query per backend.</summary>
internal sealed class PreviewGate(IOptions<PreviewOptions> options) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);

    /// <summary>A slot to dispose when done, or null when all are taken (never waits).</summary>
    public IDisposable? TryEnter() => slots.Wait(0) ? new Slot(slots) : null;

    public void Dispose() => slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                slots.Release();
        }
    }
}
