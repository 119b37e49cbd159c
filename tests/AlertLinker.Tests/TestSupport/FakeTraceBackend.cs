using AlertLinker.Backends;
using AlertLinker.Resolution;

namespace AlertLinker.Tests.TestSupport;

/// <summary>A backend whose search does whatever the test says: answer, fail, or hang until cancelled.</summary>
public sealed class FakeTraceBackend(string name, Func<ResolvedAlert, CancellationToken, Task<IReadOnlyList<TraceSummary>>> search, string type = "Fake")
    : ITraceBackend
{
    public int Searches;

    public string Name => name;

    public string Type => type;

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert) =>
        [new BackendLink($"{name} search", new Uri($"http://{name}.test/search?service={alert.Service}"))];

    public BackendLink? BuildSearchLink(TraceSearch search) =>
        new($"{name} search", new Uri($"http://{name}.test/search?service={search.Service}&attrs={string.Join(",", search.Attributes.Select(a => a.Key + "=" + a.Value))}"),
            string.Join(" && ", search.Attributes.Select(a => $"{a.Key} = {a.Value}")));

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => new($"http://{name}.test/trace/{traceId}");

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
