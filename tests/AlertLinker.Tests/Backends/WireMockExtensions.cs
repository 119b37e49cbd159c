using WireMock.Server;

namespace AlertLinker.Tests.Backends;

internal static class WireMockExtensions
{
    /// <summary>The server's base URL on 127.0.0.1 (never "localhost", which may resolve elsewhere first).</summary>
    public static string LoopbackUrl(this WireMockServer server) => $"http://127.0.0.1:{server.Port}/";

    /// <summary>Requests the server saw on a path.</summary>
    public static IReadOnlyList<WireMock.Logging.ILogEntry> RequestsTo(this WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage.Path == path).ToList();

    /// <summary>A query parameter of a logged request (single value).</summary>
    public static string? Param(this WireMock.Logging.ILogEntry entry, string name) =>
        entry.RequestMessage.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
}
