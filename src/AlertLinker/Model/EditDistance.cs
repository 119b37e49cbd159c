namespace AlertLinker.Model;

/// <summary>Levenshtein distance, the one copy: configuration keys with a typo, service names a backend spells differently.</summary>
internal static class EditDistance
{
    /// <summary>Insertions, deletions and substitutions from <paramref name="a"/> to <paramref name="b"/>; once it must exceed
    /// <paramref name="limit"/>, more than <paramref name="limit"/> (<c>limit + 1</c>) without finishing.</summary>
    public static int Between(string a, string b, int limit = int.MaxValue - 1)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
            return limit + 1;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                best = Math.Min(best, current[j]);
            }
            if (best > limit)
                return limit + 1;
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
