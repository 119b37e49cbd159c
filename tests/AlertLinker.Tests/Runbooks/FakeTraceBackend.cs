using System.Globalization;
using AlertLinker.Backends;
using AlertLinker.Resolution;

namespace AlertLinker.Tests.Runbooks;

/// <summary>A backend whose search link spells out the search it was given, so tests can read it back.</summary>
internal sealed class FakeTraceBackend(string name, string type, bool canSearch = true) : ITraceBackend
{
    public string Name => name;

    public string Type => type;

    public List<TraceSearch> Searches { get; } = [];

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert) => [];

    public BackendLink? BuildSearchLink(TraceSearch search)
    {
        Searches.Add(search);
        if (!canSearch)
            return null;
        var attributes = string.Join(",", search.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
        var url = string.Create(CultureInfo.InvariantCulture,
            $"https://{name}.example.com/search?service={Uri.EscapeDataString(search.Service)}" +
            $"&start={search.Window.Start.ToUnixTimeMilliseconds() * 1000}&end={search.Window.End.ToUnixTimeMilliseconds() * 1000}" +
            $"&tags={Uri.EscapeDataString(attributes)}&minDuration={search.MinDuration?.TotalMilliseconds ?? 0}ms&errors={search.ErrorsOnly}&limit={search.Limit}");
        return new BackendLink("Search", new Uri(url), $"{type} query: {attributes}");
    }

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => new($"https://{name}.example.com/trace/{traceId}");

    public Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TraceSummary>>([]);
}
