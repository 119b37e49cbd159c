using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using AlertLinker.Pipeline;

namespace AlertLinker.Slack;

/// <summary>
/// Slack's answers turned into <see cref="DeliveryResult"/>: delivered, worth retrying (and when), or never going to work.
/// The delivery worker is the one place that retries; this only decides.
/// </summary>
internal static class SlackResults
{
    /// <summary>
    /// Web API error codes that are about Slack's side or load and pass with time
    /// (https://docs.slack.dev/reference/methods/chat.postMessage#errors). Every other code is about our request,
    /// token or channel (invalid_auth, channel_not_found, not_in_channel, invalid_blocks, msg_too_long…) and
    /// repeating the same request cannot fix it: like Alertmanager's Slack notifier we do not retry those.
    /// </summary>
    private static readonly FrozenSet<string> RetryableErrors = FrozenSet.ToFrozenSet(
    [
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    ], StringComparer.Ordinal);

    public static bool IsRetryableError(string error) => RetryableErrors.Contains(error);

    /// <summary>A Web API call's answer.</summary>
    public static DeliveryResult FromApi(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, SlackApiResponse? body, DateTimeOffset now)
    {
        if (FromStatus(status, retryAfter, now, "Slack API") is { } byStatus)
            return byStatus;
        if (body is null)
            return DeliveryResult.Retry($"Slack API answered HTTP {(int)status} without a readable body");
        if (body.Ok)
            return DeliveryResult.Ok;
        var error = Code(body.Error) ?? "unknown_error";
        return IsRetryableError(error)
            ? DeliveryResult.Retry($"Slack API error {error}", AfterOrNull(retryAfter, now))
            : DeliveryResult.Permanent($"Slack API error {error}");
    }

    /// <summary>An incoming webhook's answer: a status and a short plain string (invalid_payload, channel_not_found…).</summary>
    public static DeliveryResult FromWebhook(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, string? body, DateTimeOffset now)
    {
        var code = Code(body);
        var suffix = code is null ? "" : " " + code;
        if ((int)status is >= 200 and < 300)
            return DeliveryResult.Ok;
        if (status == HttpStatusCode.TooManyRequests)
            return DeliveryResult.Retry($"Slack webhook rate limited (HTTP 429{suffix})", AfterOrNull(retryAfter, now));
        if ((int)status >= 500 || status == HttpStatusCode.RequestTimeout)
            return DeliveryResult.Retry($"Slack webhook answered HTTP {(int)status}{suffix}");
        return DeliveryResult.Permanent($"Slack webhook answered HTTP {(int)status}{suffix}");
    }

    private static DeliveryResult? FromStatus(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, string who)
    {
        if (status == HttpStatusCode.OK)
            return null;
        if (status == HttpStatusCode.TooManyRequests)
            return DeliveryResult.Retry($"{who} rate limited (HTTP 429)", AfterOrNull(retryAfter, now));
        if ((int)status >= 500 || status == HttpStatusCode.RequestTimeout)
            return DeliveryResult.Retry($"{who} answered HTTP {(int)status}");
        return DeliveryResult.Permanent($"{who} answered HTTP {(int)status}");
    }

    /// <summary>Retry-After as a delay: seconds, or an HTTP date measured against our clock; never negative.</summary>
    public static TimeSpan? AfterOrNull(RetryConditionHeaderValue? retryAfter, DateTimeOffset now) =>
        retryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

    /// <summary>
    /// An error code from Slack as safe, short text for our error strings and logs: Slack codes are snake_case words;
    /// anything else (an HTML error page from a proxy) is cut down and stripped of control characters.
    /// </summary>
    private static string? Code(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var oneLine = SlackText.SingleLine(raw.Trim());
        return SlackText.Truncate(oneLine, 100).Text;
    }
}
