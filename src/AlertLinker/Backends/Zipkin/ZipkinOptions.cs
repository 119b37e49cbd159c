namespace AlertLinker.Backends.Zipkin;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Zipkin</c>. ApiUrl is the Zipkin server (e.g. http://zipkin:9411/),
/// whose API lives under <c>api/v2/</c>; links open its UI under <c>zipkin/</c> of UiUrl (default ApiUrl).
/// </summary>
public sealed class ZipkinOptions : BackendOptions
{
    public const int MaxSearchLimit = 1000;

    /// <summary>
    /// Traces each search asks for. Zipkin returns the most recent matching traces, not the slowest: the slowest are
    /// picked here from this sample.
    /// </summary>
    public int SearchLimit { get; set; } = 20;

    /// <summary>Optional floor for the "slow traces" search and link (Zipkin minDuration); null searches all.</summary>
    public TimeSpan? MinDuration { get; set; }

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (SearchLimit is < 1 or > MaxSearchLimit)
            yield return $"SearchLimit must be between 1 and {MaxSearchLimit} (traces per search), got {SearchLimit}";
        if (MinDuration is { } min && min < TimeSpan.FromMicroseconds(1))
            yield return $"MinDuration must be at least 1 µs (e.g. 00:00:00.500 for 500ms) or left out, got {min}";
    }
}
