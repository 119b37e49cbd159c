using AlertLinker.Pipeline;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Slack;

/// <summary>
/// The two Web API calls the message lifecycle needs. Bot mode sends them to Slack; dry run logs them, so the
/// lifecycle (post, update, thread reply, storm digest) reads the same in the log as it would in Slack.
/// </summary>
internal interface ISlackChat
{
    Task<SlackCall> PostAsync(SlackPostMessageRequest request, CancellationToken cancellationToken);

    Task<SlackCall> UpdateAsync(SlackUpdateMessageRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the channel's top-level messages since <paramref name="oldest"/>, newest first, with their metadata;
    /// <paramref name="cursor"/> from the previous page's answer.
    /// </summary>
    Task<SlackHistoryPage> HistoryAsync(string channel, DateTimeOffset oldest, string? cursor, CancellationToken cancellationToken);
}

/// <summary>A history page: the result (retry on 429, 5xx, network), the messages, the next page's cursor if any.</summary>
internal sealed record SlackHistoryPage(DeliveryResult Result, IReadOnlyList<SlackHistoryMessage> Messages, string? NextCursor = null, string? ErrorCode = null);

/// <summary>
/// One call's outcome: the delivery result, the message's ts and channel ID when it worked (Slack answers with the ID
/// even when the request named the channel: chat.update needs the ID), Slack's error code when it did not.
/// </summary>
internal sealed record SlackCall(DeliveryResult Result, string? Ts = null, string? ErrorCode = null, string? Channel = null)
{
    public bool Ok => Result.Delivered;
}

/// <summary>
/// chat.postMessage / chat.update with the bot token, one try each, paced per channel. A 429 holds back every call to
/// that method in the workspace for its Retry-After (Slack counts per method per workspace): a held call is not sent
/// at all but answered as a retry after what is left, so no other group earns another 429 meanwhile.
/// </summary>
internal sealed class SlackWebApiChat(
    ISlackApi api,
    SlackPace pace,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackWebApiChat> logger) : ISlackChat
{
    private readonly string token = options.Value.BotToken!;

    public const string PostMethod = "chat.postMessage";
    public const string UpdateMethod = "chat.update";
    public const string HistoryMethod = "conversations.history";

    /// <summary>Slack's page size for history is at most 999; a page of 200 answers quickly and covers a busy minute.</summary>
    private const int HistoryPageSize = 200;

    public async Task<SlackCall> PostAsync(SlackPostMessageRequest request, CancellationToken cancellationToken)
    {
        if (Held(PostMethod) is { } held)
            return held;
        await pace.WaitTurnAsync(request.Channel, cancellationToken);
        return await CallAsync(PostMethod, () => api.PostMessageAsync(request, token, cancellationToken), request.Channel, cancellationToken);
    }

    public async Task<SlackCall> UpdateAsync(SlackUpdateMessageRequest request, CancellationToken cancellationToken)
    {
        if (Held(UpdateMethod) is { } held)
            return held;
        await pace.WaitTurnAsync(request.Channel, cancellationToken);
        return await CallAsync(UpdateMethod, () => api.UpdateMessageAsync(request, token, cancellationToken), request.Channel, cancellationToken);
    }

    public async Task<SlackHistoryPage> HistoryAsync(string channel, DateTimeOffset oldest, string? cursor, CancellationToken cancellationToken)
    {
        if (Held(HistoryMethod) is { } held)
            return new SlackHistoryPage(held.Result, []);
        var call = await CallAsync(HistoryMethod,
            () => api.HistoryAsync(channel, SlackTs.Of(oldest), HistoryPageSize, "true", cursor, token, cancellationToken),
            channel, response => (response?.Ok ?? false, response?.Error, null, null, null), cancellationToken);
        var body = call.Body;
        return new SlackHistoryPage(call.Call.Result, body?.Messages ?? [],
            body is { HasMore: true } && !string.IsNullOrEmpty(body.ResponseMetadata?.NextCursor) ? body.ResponseMetadata.NextCursor : null,
            call.Call.ErrorCode);
    }

    private SlackCall? Held(string method) =>
        pace.HeldFor(method) is { } left
            ? new SlackCall(DeliveryResult.Retry($"Slack API rate limited ({method} held back by an earlier 429's Retry-After)", left))
            : null;

    private async Task<SlackCall> CallAsync(string method, Func<Task<IApiResponse<SlackApiResponse>>> call, string channel, CancellationToken cancellationToken) =>
        (await CallAsync(method, call, channel, body => (body?.Ok ?? false, body?.Error, body?.Ts, body?.Channel, body), cancellationToken)).Call;

    /// <summary>One Web API call: transport failures, 429 (held for the workspace), HTTP and Slack errors made into a result.</summary>
    private async Task<(SlackCall Call, T? Body)> CallAsync<T>(
        string method, Func<Task<IApiResponse<T>>> call, string channel,
        Func<T?, (bool Ok, string? Error, string? Ts, string? Channel, SlackApiResponse? Warnings)> read, CancellationToken cancellationToken)
        where T : class
    {
        // Checked again after the pace wait: a 429 may have come in meanwhile.
        if (Held(method) is { } held)
            return (held, null);
        using var activity = AlertLinkerActivity.Source.StartActivity("slack call");
        activity?.SetTag("alertlinker.slack.channel", channel);
        try
        {
            using var response = await call();
            // Refit reports a failure before any response (network, timeout) here, not as an exception.
            if (response.HasRequestError(out var requestError))
                return (new SlackCall(SlackTransport.TransportFailure("Slack API", requestError.InnerException ?? requestError)), null);
            // A 200 whose body is not Slack JSON (a proxy's page) leaves Content null: FromApi retries it.
            var body = response.IsSuccessStatusCode ? response.Content : null;
            if (response.StatusCode is not { } status)
                return (new SlackCall(DeliveryResult.Retry("Slack API gave no response")), null);
            var answer = read(body);
            var apiBody = body is null ? null : new SlackApiResponse(answer.Ok, answer.Error, answer.Channel, answer.Ts);
            var result = SlackResults.FromApi(status, response.Headers?.RetryAfter, apiBody, time.GetUtcNow());
            if (status == System.Net.HttpStatusCode.TooManyRequests && result.RetryAfter is { } retryAfter)
            {
                pace.Hold(method, retryAfter);
                SlackLog.MethodHeld(logger, method, retryAfter);
            }
            if (result.Delivered && Warnings(answer.Warnings) is { } warnings)
                SlackLog.Warnings(logger, channel, warnings);
            return (new SlackCall(result, answer.Ts, answer.Ok || body is null ? null : answer.Error, answer.Channel), body);
        }
        catch (Exception exception) when (SlackTransport.IsTransport(exception, cancellationToken))
        {
            return (new SlackCall(SlackTransport.TransportFailure("Slack API", exception)), null);
        }
    }

    private static string? Warnings(SlackApiResponse? body)
    {
        var warnings = new List<string>();
        if (!string.IsNullOrEmpty(body?.Warning))
            warnings.Add(body.Warning);
        warnings.AddRange(body?.ResponseMetadata?.Warnings ?? []);
        return warnings.Count == 0 ? null : SlackText.Truncate(SlackText.SingleLine(string.Join(", ", warnings.Distinct())), 300).Text;
    }
}

/// <summary>
/// Nothing configured: each call is logged as the text a person would see in Slack (the JSON it would send at Debug),
/// and "succeeds" with a made-up ts.
/// </summary>
internal sealed class SlackDryRunChat(ILogger<SlackDryRunChat> logger) : ISlackChat
{
    private long next;

    public Task<SlackCall> PostAsync(SlackPostMessageRequest request, CancellationToken cancellationToken)
    {
        var ts = "dry-run." + Interlocked.Increment(ref next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var action = request.ThreadTs is null ? $"post {ts}" : $"reply {ts} in thread {request.ThreadTs}";
        SlackLog.DryRun(logger, action, request.Channel, request.Text, SlackReadable.Render(request.Text, request.Blocks, request.Attachments));
        if (logger.IsEnabled(LogLevel.Debug))
            SlackLog.DryRunJson(logger, action, SlackJson.Serialize(request));
        return Task.FromResult(new SlackCall(DeliveryResult.Ok, ts, Channel: request.Channel));
    }

    public Task<SlackCall> UpdateAsync(SlackUpdateMessageRequest request, CancellationToken cancellationToken)
    {
        SlackLog.DryRun(logger, $"update {request.Ts}", request.Channel, request.Text, SlackReadable.Render(request.Text, request.Blocks, request.Attachments));
        if (logger.IsEnabled(LogLevel.Debug))
            SlackLog.DryRunJson(logger, $"update {request.Ts}", SlackJson.Serialize(request));
        return Task.FromResult(new SlackCall(DeliveryResult.Ok, request.Ts, Channel: request.Channel));
    }

    /// <summary>A dry run never posted anything: the history it would search is empty.</summary>
    public Task<SlackHistoryPage> HistoryAsync(string channel, DateTimeOffset oldest, string? cursor, CancellationToken cancellationToken) =>
        Task.FromResult(new SlackHistoryPage(DeliveryResult.Ok, []));
}

/// <summary>Slack's message timestamps: Unix seconds with six decimals, as a string.</summary>
internal static class SlackTs
{
    public static string Of(DateTimeOffset at)
    {
        var micros = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }
}
