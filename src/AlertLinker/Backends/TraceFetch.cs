using System.Net;

namespace AlertLinker.Backends;

/// <summary>What one trace-by-id request told.</summary>
internal enum TraceFetchOutcome
{
    /// <summary>The trace (or null when its body was unusable: logged, treated as no trace).</summary>
    Answered,
    /// <summary>The API answered that it has no such trace (retention, sampling).</summary>
    Gone,
    /// <summary>This server does not serve the route (an older or newer version): try another API.</summary>
    RouteMissing,
}

/// <summary>
/// The trace-by-id request every backend makes the same way: a 404 in the API's own words means the trace is gone,
/// a bare 404/405/501 or a UI page means the route is missing, any other failure throws, and a body the parser
/// cannot read costs only this trace.
/// </summary>
internal static partial class TraceFetch
{
    public static async Task<(TraceFetchOutcome Outcome, Trace? Trace)> GetAsync(
        string backend,
        string route,
        Func<Task<HttpResponseMessage>> send,
        Func<string, bool> isGone,
        Func<string, Trace> parse,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        using var response = await BackendHttp.SendAsync(send).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (!BackendHttp.IsSuccess(response.StatusCode))
        {
            if (response.StatusCode == HttpStatusCode.NotFound && isGone(body))
                return (TraceFetchOutcome.Gone, null);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
                return (TraceFetchOutcome.RouteMissing, null);
            throw BackendHttp.Unexpected(backend, route, response, body);
        }
        // A UI in front of the API answers unknown routes with its index.html, 200 OK.
        if (body.TrimStart() is var trimmed && !(trimmed.StartsWith('{') || trimmed.StartsWith('[')))
            return (TraceFetchOutcome.RouteMissing, null);
        try
        {
            return (TraceFetchOutcome.Answered, parse(body));
        }
        catch (TraceFormatException e)
        {
            LogUnreadable(logger, backend, route, e.Message);
            return (TraceFetchOutcome.Answered, null);
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "Backend {Backend}: {Route} answered a trace that cannot be read ({Reason}); the trace is not analysed")]
    private static partial void LogUnreadable(ILogger logger, string backend, string route, string reason);
}
