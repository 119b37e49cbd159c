using System.Globalization;
using AlertLinker.Backends;
using AlertLinker.Resolution;

namespace AlertLinker.Tests.TestSupport;

/// <summary>
/// A backend that does whatever the test says. With a search function: its exemplar search answers, fails or hangs
/// until cancelled (<see cref="Answering"/>, <see cref="Failing"/>, <see cref="Hanging"/>), counted in
/// <see cref="Searches"/>. With a type only: it finds nothing, and its search link spells out the search it was given
/// (kept in <see cref="LinkedSearches"/>), so runbook tests can read it back.
/// </summary>
public sealed class FakeTraceBackend(string name, Func<ResolvedAlert, CancellationToken, Task<IReadOnlyList<TraceSummary>>> search, string type = "Fake")
    : ITraceBackend
{
    /// <summary>Links only to what was asked, on <c>https://{name}.example.com/</c>; no search link when <paramref name="canSearch"/> is false.</summary>
    public FakeTraceBackend(string name, string type, bool canSearch = true)
        : this(name, (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>([]), type)
    {
        spellsOut = true;
        this.canSearch = canSearch;
    }

    private readonly bool spellsOut;
    private readonly bool canSearch = true;

    /// <summary>Exemplar searches so far.</summary>
    public int Searches;

    /// <summary>Every search a link was asked for (<see cref="BuildSearchLink"/>), in order.</summary>
    public List<TraceSearch> LinkedSearches { get; } = [];

    public string Name => name;

    public string Type => type;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert) =>
        spellsOut ? [] : [new BackendLink($"{name} search", new Uri($"http://{name}.test/search?service={alert.Service}"))];

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        LinkedSearches.Add(search);
        if (!spellsOut)
        {
            return new($"{name} search", new Uri($"http://{name}.test/search?service={search.Service}&attrs={string.Join(",", search.Attributes.Select(a => a.Key + "=" + a.Value))}"),
                string.Join(" && ", search.Attributes.Select(a => $"{a.Key} = {a.Value}")));
        }
        if (!canSearch)
            return null;
        var attributes = string.Join(",", search.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
        var url = string.Create(CultureInfo.InvariantCulture,
            $"https://{name}.example.com/search?service={Uri.EscapeDataString(search.Service)}" +
            $"&start={search.Window.Start.ToUnixTimeMilliseconds() * 1000}&end={search.Window.End.ToUnixTimeMilliseconds() * 1000}" +
            $"&tags={Uri.EscapeDataString(attributes)}&minDuration={search.MinDuration?.TotalMilliseconds ?? 0}ms&errors={search.ErrorsOnly}&limit={search.Limit}");
        return new BackendLink("Search", new Uri(url), $"{type} query: {attributes}");
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) =>
        new(spellsOut ? $"https://{name}.example.com/trace/{traceId}" : $"http://{name}.test/trace/{traceId}");

    public BackendCapabilities Capabilities { get; init; } = BackendCapabilities.Full;

    /// <summary>Full traces by id for GetTraceAsync; none by default.</summary>
    public IReadOnlyDictionary<string, Trace> Traces { get; init; } = new Dictionary<string, Trace>();

    public int TraceFetches;

    public Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref TraceFetches);
        return Task.FromResult(Traces.GetValueOrDefault(traceId));
    }

    public Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Searches);
        return search(alert, cancellationToken);
    }

    public static FakeTraceBackend Answering(string name, params string[] traceIds) =>
        new(name, (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>(
            traceIds.Select(id => new TraceSummary(id, "svc", "GET /", null, TimeSpan.FromMilliseconds(800), false, new Uri($"http://{name}.test/trace/{id}"))).ToList()));

    public static FakeTraceBackend Hanging(string name) =>
        new(name, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        });

    public static FakeTraceBackend Failing(string name, Exception exception) =>
        new(name, (_, _) => Task.FromException<IReadOnlyList<TraceSummary>>(exception));
}
