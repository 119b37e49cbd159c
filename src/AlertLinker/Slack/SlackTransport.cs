using Refit;

namespace AlertLinker.Slack;

/// <summary>How a failed HTTP call to Slack is told: worth another try, and named without the secrets in its URL or headers.</summary>
internal static class SlackTransport
{
    /// <summary>Network trouble and timeouts (not our caller cancelling): worth another try.</summary>
    internal static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or ApiException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// The error names the kind of failure only: exception messages can carry the request URI (the webhook secret)
    /// and Refit's carry the request, Authorization header included.
    /// </summary>
    internal static DeliveryResult TransportFailure(string who, Exception exception) => exception switch
    {
        OperationCanceledException => DeliveryResult.Retry($"{who} timed out"),
        HttpRequestException { HttpRequestError: var kind } => DeliveryResult.Retry($"{who} unreachable ({kind})"),
        _ => DeliveryResult.Retry($"{who} answered with an unreadable response"),
    };
}
