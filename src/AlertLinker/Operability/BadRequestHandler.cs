using Microsoft.AspNetCore.Diagnostics;

namespace AlertLinker.Operability;

/// <summary>
/// Requests Kestrel finds broken while the app reads them — a bad chunk size, a body that ends early, a body slower
/// than the minimum data rate — answer with Kestrel's own status (400, 408, 413) as problem+json and one log line,
/// not as a 500 with a stack trace: the client sent a bad request, the service has no bug.
/// </summary>
internal sealed partial class BadRequestHandler(IProblemDetailsService problems, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (Classify(exception) is not var (status, reason))
            return false;
        LogBadRequest(logger, context.Request.Method, context.Request.Path.Value ?? "", status, reason, context.Connection.RemoteIpAddress?.ToString() ?? "?");
        if (context.Response.HasStarted)
            return true;
        context.Response.StatusCode = status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status408RequestTimeout ? "Request body too slow" : "Malformed request",
                Detail = reason,
            },
        });
        return true;
    }

    private const string Kestrel = "Microsoft.AspNetCore.Server.Kestrel.Core";

    /// <summary>
    /// The status and reason of a request the client broke, or null for anything else (a bug: the default handler's
    /// 500). Kestrel says so with a <see cref="BadHttpRequestException"/> and its status — also when a reader wrapped
    /// it — or, for a chunk size beyond 64 bits, with an IOException of its own ("Bad chunk size data").
    /// </summary>
    internal static (int Status, string Reason)? Classify(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 5; depth++, exception = exception.InnerException)
        {
            switch (exception)
            {
                case BadHttpRequestException bad:
                    return (bad.StatusCode, bad.Message);
                case IOException { Source: Kestrel } io:
                    return (StatusCodes.Status400BadRequest, io.Message);
            }
        }
        return null;
    }

    [LoggerMessage(EventId = 9050, Level = LogLevel.Information, Message = "Bad request {Method} {Path} from {RemoteAddress}: {StatusCode} {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string method, string path, int statusCode, string reason, string remoteAddress);
}
