namespace AlertLinker.Backends;

/// <summary>
/// Keys of a backend whose search returns the most recent matching traces, not the slowest (Jaeger, Zipkin): the
/// slowest are picked client-side from a sample of <see cref="SearchLimit"/> traces. Bound from the same
/// <c>AlertLinker:Backends:&lt;name&gt;</c> section as the type's own keys.
/// </summary>
public abstract class SampledSearchOptions : BackendOptions
{
    /// <summary>Traces each search asks for: a larger sample finds slower outliers and costs more.</summary>
    public int SearchLimit { get; set; } = 20;

    /// <summary>Optional floor for the "slow traces" search and link (the API's minDuration); null searches all.</summary>
    public TimeSpan? MinDuration { get; set; }

    /// <summary>The most traces one search of this API may ask for.</summary>
    protected abstract int SearchLimitMax { get; }

    /// <summary>The smallest MinDuration the API can express, and how the message says it ("positive", "at least 1 µs").</summary>
    protected abstract (TimeSpan Floor, string Said) SmallestMinDuration { get; }

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (SearchLimit < 1 || SearchLimit > SearchLimitMax)
            yield return $"SearchLimit must be between 1 and {SearchLimitMax} (traces per search), got {SearchLimit}";
        var (floor, said) = SmallestMinDuration;
        if (MinDuration is { } min && min < floor)
            yield return $"MinDuration must be {said} (e.g. 00:00:00.500 for 500ms) or left out, got {min}";
    }
}
