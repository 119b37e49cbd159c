using System.Diagnostics.Metrics;
using AlertLinker.Operability;

namespace AlertLinker.Sources;

/// <summary>
/// Every refused webhook call is one log line (source, status, reason, remote address) and one count of
/// <c>alertlinker_webhooks_rejected_total{source,reason}</c>: a sender with a wrong token is visible here, not only
/// in the sender's own log.
/// </summary>
internal sealed partial class WebhookRejections
{
    private readonly Counter<long> rejected;
    private readonly ILogger<WebhookRejections> logger;

    public WebhookRejections(IMeterFactory meters, ILogger<WebhookRejections> logger)
    {
        // The service's one meter: the factory hands out the same instance AlertLinkerMetrics uses.
        rejected = meters.Create(AlertLinkerMetrics.MeterName).CreateCounter<long>(
            "alertlinker_webhooks_rejected",
            description: "Webhook calls refused by source and reason (unauthorized, bad_signature, invalid_payload, too_large…).");
        this.logger = logger;
    }

    /// <summary>Logs and counts the refusal, and answers it as problem+json.</summary>
    public IResult Reject(string source, HttpRequest request, WebhookRejection rejection)
    {
        rejected.Add(1, new("source", source), new("reason", rejection.Reason));
        // The detail is the answer the sender gets: it says what is wrong and never holds a secret.
        LogRejected(source, rejection.StatusCode, rejection.Reason, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            rejection.Detail);
        return rejection.ToProblem();
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "Rejected a {Source} webhook with {StatusCode} ({Reason}) from {RemoteAddress}: {Detail}")]
    private partial void LogRejected(string source, int statusCode, string reason, string remoteAddress, string detail);
}
