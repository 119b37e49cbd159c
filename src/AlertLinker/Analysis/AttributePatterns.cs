namespace AlertLinker.Analysis;

/// <summary>
/// What the slow or failing traces of a window share that the others do not (BubbleUp's question, asked of the traces
/// a search returned): for every compared attribute value, in how many outlier traces and in how many others it occurs.
/// </summary>
/// <remarks>
/// Outliers are the failing traces and the slow ones: at least <see cref="SlowFactor"/> × the window's median duration.
/// A value stands out when it is in at least <see cref="MinShare"/> of the outliers, in at least two of them (a value
/// one trace carries is no pattern), and its share among the outliers beats its share among the others by at least
/// <see cref="MinContrast"/>. Nothing is said without both outliers and others to compare. Quiet otherwise.
/// </remarks>
public static class AttributePatterns
{
    public const double SlowFactor = 2;
    public const double MinShare = 0.75;
    public const double MinContrast = 0.5;
    public const int MaxPatterns = 3;

    public static IReadOnlyList<SharedAttribute> Find(IReadOnlyList<TraceProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var traces = profiles.DistinctBy(p => FoundTrace.Key(p.TraceId), StringComparer.Ordinal).ToList();
        if (traces.Count < 3)
            return [];
        var durations = traces.Where(t => t.Duration is not null).Select(t => t.Duration!.Value.Ticks).Order().ToList();
        var median = durations.Count > 0 ? durations[durations.Count / 2] : 0;
        var slow = new bool[traces.Count];
        var outliers = 0;
        bool anySlow = false, anyError = false;
        for (var i = 0; i < traces.Count; i++)
        {
            var isSlow = median > 0 && traces[i].Duration is { } d && d.Ticks >= median * SlowFactor;
            slow[i] = isSlow || traces[i].Error;
            anySlow |= isSlow;
            anyError |= traces[i].Error;
            if (slow[i])
                outliers++;
        }
        var others = traces.Count - outliers;
        if (outliers < 2 || others < 1)
            return [];
        var word = anySlow && anyError ? "slow or failing" : anyError ? "failing" : "slow";

        var counts = new Dictionary<(string Key, string Value), (int Outliers, int Others)>();
        for (var i = 0; i < traces.Count; i++)
        {
            foreach (var (key, values) in traces[i].Attributes)
            {
                foreach (var value in values)
                {
                    var at = (key, value);
                    var (o, r) = counts.GetValueOrDefault(at);
                    counts[at] = slow[i] ? (o + 1, r) : (o, r + 1);
                }
            }
        }
        return counts
            .Where(c => c.Value.Outliers >= 2 && c.Value.Outliers >= outliers * MinShare)
            .Select(c => new SharedAttribute(c.Key.Key, c.Key.Value, c.Value.Outliers, outliers, c.Value.Others, others, word))
            .Where(p => p.Contrast >= MinContrast)
            .OrderByDescending(p => p.Contrast)
            .ThenByDescending(p => p.InOutliers)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Take(MaxPatterns)
            .ToList();
    }
}
