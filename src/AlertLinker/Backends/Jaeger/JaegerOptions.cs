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
public sealed class JaegerOptions : SampledSearchOptions
{
    public const int MaxSearchLimit = 1500;

    public JaegerApiVersion Api { get; set; } = JaegerApiVersion.Auto;

    protected override int SearchLimitMax => MaxSearchLimit;

    /// <summary>Jaeger reads a Go duration: any positive one.</summary>
    protected override (TimeSpan Floor, string Said) SmallestMinDuration => (TimeSpan.FromTicks(1), "positive");
}
