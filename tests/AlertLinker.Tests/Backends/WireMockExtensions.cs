using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace AlertLinker.Tests.Backends;

internal static class WireMockExtensions
{
    /// <summary>The server's base URL on 127.0.0.1 (never "localhost", which may resolve elsewhere first).</summary>
    public static string LoopbackUrl(this WireMockServer server) => $"http://127.0.0.1:{server.Port}/";

    /// <summary>Requests the server saw on a path.</summary>
    public static IReadOnlyList<WireMock.Logging.ILogEntry> RequestsTo(this WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage.Path == path).ToList();

    /// <summary>
    /// GETs of <paramref name="path"/> are answered <paramref name="failure"/> exactly once, the first to arrive, and
    /// <paramref name="body"/> with 200 after that, whatever the timing. A WireMock scenario did this before: its state
    /// moves on only once the response is built, so requests arriving together could all get the failure, and once, in
    /// a full CI run on a loaded machine, a search still ended in the failure after its retries (not reproduced alone
    /// in 15 runs, and not explained). An atomic counter leaves no such window.
    /// </summary>
    public static void FailsOnceThenServes(this WireMockServer server, string path, int failure, string failureBody, string body)
    {
        var answered = 0;
        server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(Response.Create().WithCallback(_ =>
            Interlocked.Increment(ref answered) == 1 ? Answer(failure, failureBody) : Answer(200, body)));
    }

    private static ResponseMessage Answer(int status, string body) => new()
    {
        StatusCode = status,
        BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body },
    };

    /// <summary>A query parameter of a logged request (single value).</summary>
    public static string? Param(this WireMock.Logging.ILogEntry entry, string name) =>
        entry.RequestMessage.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
}
