using AlertLinker.Resolution;

namespace AlertLinker.Analysis;

/// <summary>
/// Why a search for a service found nothing, told from the backend's own service list: the service is not known
/// there at all ("did you mean billing-service?", with the alias line that fixes it), or it is known and the window
/// simply had no trace of it (sampling, retention or an ingestion gap). Pure.
/// </summary>
public static class ServiceNames
{
    public const int MaxSuggestions = 3;

    /// <param name="service">The service searched for (after aliases).</param>
    /// <param name="label">The alert's label value before aliases: the key of the alias line.</param>
    /// <param name="known">The backend's service names.</param>
    public static SearchGap Explain(string backend, string service, string? label, IReadOnlyList<string> known, string window)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (known.Contains(service, StringComparer.Ordinal))
        {
            return new SearchGap(true, [], null,
                $"{backend} knows {service} but has no trace of it in {window}: head sampling may have dropped them "
                + "(slow and failing requests are mostly dropped at low rates; sample errors and slow traces at 100 % with tail sampling), "
                + "or retention or an ingestion gap lost them.");
        }
        var suggestions = Closest(service, known);
        if (suggestions.Count == 0)
            return new SearchGap(false, [], null, $"{backend} does not know the service {service} (it knows {known.Count} other services).");
        var alias = ServiceOptions.AliasLine(label ?? service, suggestions[0]);
        var names = suggestions.Count == 1 ? suggestions[0] : $"{suggestions[0]} (or {string.Join(", ", suggestions.Skip(1))})";
        return new SearchGap(false, suggestions, alias, $"{backend} does not know the service {service}; did you mean {names}? Add `{alias}`.");
    }

    /// <summary>
    /// Known names close to <paramref name="service"/>, closest first: the same name in another case or separator
    /// style, names that contain it as a whole word ("billing" in "billing-service") or that it contains, then small
    /// edit distances (a typo). Never more than <see cref="MaxSuggestions"/>.
    /// </summary>
    public static IReadOnlyList<string> Closest(string service, IReadOnlyList<string> known)
    {
        var wanted = Fold(service);
        if (wanted.Length == 0)
            return [];
        var scored = new List<(string Name, int Score)>();
        foreach (var name in known.Distinct(StringComparer.Ordinal))
        {
            var folded = Fold(name);
            if (folded.Length == 0 || name == service)
                continue;
            int score;
            if (folded == wanted)
                score = 0;
            else if (ContainsWord(folded, wanted) || ContainsWord(wanted, folded))
                score = 1 + Math.Abs(folded.Length - wanted.Length);
            else
            {
                var distance = EditDistance.Between(folded, wanted, MaxDistance(wanted));
                if (distance > MaxDistance(wanted))
                    continue;
                score = 100 + distance;
            }
            scored.Add((name, score));
        }
        return scored.OrderBy(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal).Take(MaxSuggestions).Select(s => s.Name).ToList();
    }

    private static int MaxDistance(string wanted) => Math.Max(1, wanted.Length / 4);

    /// <summary>Lowercase, with <c>_</c>, <c>.</c> and spaces as <c>-</c>: "Billing_Service" and "billing-service" are one name.</summary>
    private static string Fold(string name) =>
        new(name.Trim().ToLowerInvariant().Select(c => c is '_' or '.' or ' ' ? '-' : c).ToArray());

    /// <summary><paramref name="part"/> inside <paramref name="whole"/> on word boundaries (<c>-</c> or the ends).</summary>
    private static bool ContainsWord(string whole, string part)
    {
        if (part.Length >= whole.Length)
            return false;
        for (var at = whole.IndexOf(part, StringComparison.Ordinal); at >= 0; at = whole.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 || whole[at - 1] == '-';
            var after = at + part.Length == whole.Length || whole[at + part.Length] == '-';
            if (before && after)
                return true;
        }
        return false;
    }
}
