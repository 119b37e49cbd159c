using System.Net.Http.Json;
using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Slack;

/// <summary>
/// Delivers one enriched notification as one Slack message: chat.postMessage with a bot token, an incoming webhook,
/// or, with neither configured, the log (dry run). Tries once; the delivery worker retries by the result.
/// </summary>
internal sealed class SlackSink(
    SlackMessageBuilder builder,
    ISlackApi api,
    IHttpClientFactory httpClientFactory,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackSink> logger) : IAlertSink
{
    /// <summary>Named HttpClient for the incoming webhook; its default request logging is removed (the URL is a secret).</summary>
    public const string WebhookClientName = "slack-webhook";

    private readonly SlackOptions options = options.Value;

    public async Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
    {
        var groupKey = notification.Notification.GroupKey;
        var message = builder.Build(notification);
        if (message.Cuts.Count > 0)
            SlackLog.Shortened(logger, groupKey, string.Join("; ", message.Cuts));

        var result = options.Mode switch
        {
            SlackMode.BotToken => await PostMessageAsync(groupKey, message, cancellationToken),
            SlackMode.IncomingWebhook => await PostWebhookAsync(groupKey, message, cancellationToken),
            _ => DryRun(groupKey, message),
        };

        if (result.Error is { } error)
        {
            if (result.Retryable)
                SlackLog.RetryableFailure(logger, groupKey, error);
            else
                SlackLog.PermanentFailure(logger, groupKey, error);
        }
        return result;
    }

    private DeliveryResult DryRun(string groupKey, SlackMessage message)
    {
        SlackLog.DryRun(logger, groupKey, message.Text, SlackJson.Serialize(message.Blocks));
        return DeliveryResult.Ok;
    }

    private async Task<DeliveryResult> PostMessageAsync(string groupKey, SlackMessage message, CancellationToken cancellationToken)
    {
        var request = new SlackPostMessageRequest(options.Channel!, message.Text, message.Blocks);
        try
        {
            using var response = await api.PostMessageAsync(request, options.BotToken!, cancellationToken);
            // Refit reports a failure before any response (network, timeout) here, not as an exception.
            if (response.HasRequestError(out var requestError))
                return TransportFailure("Slack API", requestError.InnerException ?? requestError);
            // A 200 whose body is not Slack JSON (a proxy's page) leaves Content null: FromApi retries it.
            var body = response.IsSuccessStatusCode ? response.Content : null;
            if (response.StatusCode is not { } status)
                return DeliveryResult.Retry("Slack API gave no response");
            var result = SlackResults.FromApi(status, response.Headers?.RetryAfter, body, time.GetUtcNow());
            if (result.Delivered)
            {
                // Issue 5 keeps channel + ts here to chat.update the group's message on resolve.
                SlackLog.Posted(logger, groupKey, body?.Channel, body?.Ts);
                if (Warnings(body) is { } warnings)
                    SlackLog.Warnings(logger, groupKey, warnings);
            }
            return result;
        }
        catch (Exception exception) when (IsTransport(exception, cancellationToken))
        {
            return TransportFailure("Slack API", exception);
        }
    }

    private async Task<DeliveryResult> PostWebhookAsync(string groupKey, SlackMessage message, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(WebhookClientName);
        var request = new SlackWebhookRequest(message.Text, message.Blocks);
        try
        {
            using var content = JsonContent.Create(request, options: SlackJson.Options);
            using var response = await http.PostAsync(options.WebhookUrl, content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var result = SlackResults.FromWebhook(response.StatusCode, response.Headers.RetryAfter, body, time.GetUtcNow());
            if (result.Delivered)
                SlackLog.PostedByWebhook(logger, groupKey);
            return result;
        }
        catch (Exception exception) when (IsTransport(exception, cancellationToken))
        {
            return TransportFailure("Slack webhook", exception);
        }
    }

    /// <summary>Network trouble and timeouts (not our caller cancelling): worth another try.</summary>
    private static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or ApiException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// The error names the kind of failure only: exception messages can carry the request URI (the webhook secret)
    /// and Refit's carry the request, Authorization header included.
    /// </summary>
    private static DeliveryResult TransportFailure(string who, Exception exception) => exception switch
    {
        OperationCanceledException => DeliveryResult.Retry($"{who} timed out"),
        HttpRequestException { HttpRequestError: var kind } => DeliveryResult.Retry($"{who} unreachable ({kind})"),
        _ => DeliveryResult.Retry($"{who} answered with an unreadable response"),
    };

    private static string? Warnings(SlackApiResponse? body)
    {
        var warnings = new List<string>();
        if (!string.IsNullOrEmpty(body?.Warning))
            warnings.Add(body.Warning);
        warnings.AddRange(body?.ResponseMetadata?.Warnings ?? []);
        return warnings.Count == 0 ? null : SlackText.Truncate(SlackText.SingleLine(string.Join(", ", warnings.Distinct())), 300).Text;
    }
}
