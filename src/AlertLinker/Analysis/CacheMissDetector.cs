namespace AlertLinker.Analysis;

/// <summary>
/// Cache look-ups (<c>db.system</c> redis or memcached, or any span with a cache hit attribute) that say whether they
/// hit; reported when at least <see cref="MinLookups"/> say so and at least half of them missed.
/// </summary>
internal static class CacheMissDetector
{
    public const int MinLookups = 3;
    public const double MinMissShare = 0.5;

    private static readonly string[] HitKeys = ["cache.hit", "cache_hit", "db.cache.hit", "cache.status", "cache.result"];

    public static CacheMissFinding? Detect(TraceIndex index, TimeSpan duration)
    {
        int lookups = 0, misses = 0;
        long missTicks = 0;
        Span? first = null;
        string? system = null;
        for (var i = 0; i < index.Count; i++)
        {
            var span = index.Spans[i];
            if (span.Attributes.Count == 0 || Hit(span) is not { } hit)
                continue;
            lookups++;
            if (hit)
                continue;
            misses++;
            missTicks += index.RawEnd[i] - index.RawStart[i];
            if (first is null)
            {
                first = span;
                system = span.Attribute("db.system") is { Length: > 0 } db ? db : "cache";
            }
        }
        if (first is null || lookups < MinLookups || misses < lookups * MinMissShare)
            return null;
        return new CacheMissFinding(first, system!, lookups, misses, TimeSpan.FromTicks(missTicks), duration);
    }

    /// <summary>True for a hit, false for a miss, null when the span does not say (or is no cache span).</summary>
    private static bool? Hit(Span span)
    {
        foreach (var key in HitKeys)
        {
            if (span.Attribute(key) is not { Length: > 0 } value)
                continue;
            if (bool.TryParse(value, out var hit))
                return hit;
            if (value.Equals("hit", StringComparison.OrdinalIgnoreCase))
                return true;
            if (value.Equals("miss", StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return null;
    }
}
