namespace AlertLinker.Backends.Jaeger;

/// <summary>Which Jaeger search API to use.</summary>
public enum JaegerApiVersion
{
    /// <summary>Try api_v3 (trace summaries, then traces), then the v1 JSON API; remember what answered.</summary>
    Auto,
    /// <summary>api_v3 only (Jaeger v2; trace summaries from v2.19).</summary>
    V3,
    /// <summary>The v1 JSON API only (Jaeger v1, v2 up to v2.20).</summary>
    V1,
}

/// <summary><c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Jaeger</c>. ApiUrl is jaeger-query (e.g. http://jaeger:16686/).</summary>
public sealed class JaegerOptions : BackendOptions
{
    public const int MaxSearchLimit = 1500;

    public JaegerApiVersion Api { get; set; } = JaegerApiVersion.Auto;

    /// <summary>
    /// Traces each search asks for. Jaeger returns the most recent matching traces, not the slowest, so the
    /// slowest are picked client-side from this sample: a larger sample finds slower outliers and costs more.
    /// </summary>
    public int SearchLimit { get; set; } = 20;

    /// <summary>Optional floor for the "slow traces" search and link (Jaeger minDuration); null searches all.</summary>
    public TimeSpan? MinDuration { get; set; }

    public override IEnumerable<string> Validate()
    {
        foreach (var message in base.Validate())
            yield return message;
        if (SearchLimit is < 1 or > MaxSearchLimit)
            yield return $"SearchLimit must be between 1 and {MaxSearchLimit} (traces per search), got {SearchLimit}";
        if (MinDuration is { } min && min <= TimeSpan.Zero)
            yield return $"MinDuration must be positive (e.g. 00:00:00.500 for 500ms) or left out, got {min}";
    }
}
