namespace AlertLinker.Backends.Zipkin;

/// <summary>
/// <c>AlertLinker:Backends:&lt;name&gt;</c> with <c>Type = Zipkin</c>. ApiUrl is the Zipkin server (e.g. http://zipkin:9411/),
/// whose API lives under <c>api/v2/</c>; links open its UI under <c>zipkin/</c> of UiUrl (default ApiUrl).
/// </summary>
public sealed class ZipkinOptions : SampledSearchOptions
{
    public const int MaxSearchLimit = 1000;

    protected override int SearchLimitMax => MaxSearchLimit;

    /// <summary>Zipkin's API takes minDuration in whole microseconds.</summary>
    protected override (TimeSpan Floor, string Said) SmallestMinDuration => (TimeSpan.FromMicroseconds(1), "at least 1 µs");
}
