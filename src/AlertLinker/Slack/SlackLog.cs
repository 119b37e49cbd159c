namespace AlertLinker.Slack;

/// <summary>Slack's log lines (event ids 7000–7099: pipeline step 7, deliver). None carries a token or the webhook URL.</summary>
internal static partial class SlackLog
{
    [LoggerMessage(7000, LogLevel.Information, "Slack delivery: bot token mode, posting to channel {Channel} through {ApiUrl}")]
    public static partial void BotMode(ILogger logger, string channel, Uri apiUrl);

    [LoggerMessage(7001, LogLevel.Information, "Slack delivery: incoming webhook mode (messages cannot be updated or threaded)")]
    public static partial void WebhookMode(ILogger logger);

    [LoggerMessage(7002, LogLevel.Information, "Slack delivery: dry run, no AlertLinker:Slack:BotToken or :WebhookUrl set; rendered messages go to this log")]
    public static partial void DryRunMode(ILogger logger);

    [LoggerMessage(7004, LogLevel.Information, "Slack routes ({Count}, first match wins, else the default channel): {Routes}")]
    public static partial void Routes(ILogger logger, int count, string routes);

    [LoggerMessage(7003, LogLevel.Warning, "AlertLinker:Slack:Channel is set but has no effect without BotToken")]
    public static partial void ChannelIgnored(ILogger logger);

    [LoggerMessage(7005, LogLevel.Information, "Slack auth.test: {Detail}")]
    public static partial void TokenAccepted(ILogger logger, string detail);

    [LoggerMessage(7006, LogLevel.Error, "Slack auth.test: {Detail}; alerts are accepted and kept, and delivered once Slack takes the token")]
    public static partial void TokenRefused(ILogger logger, string detail);

    [LoggerMessage(7007, LogLevel.Warning, "Slack auth.test could not be asked ({Detail}); /readyz asks again")]
    public static partial void TokenUnchecked(ILogger logger, string detail);

    [LoggerMessage(7008, LogLevel.Warning, "AlertLinker:Slack:Channel is '{Channel}', a channel name: posting works, but write the channel ID (C… or G…, channel details → About) so a renamed channel keeps working")]
    public static partial void ChannelByName(ILogger logger, string channel);

    [LoggerMessage(7010, LogLevel.Information, "Slack dry run: would {Action} in {Channel}: {Text}\n{Message}")]
    public static partial void DryRun(ILogger logger, string action, string channel, string text, string message);

    [LoggerMessage(7009, LogLevel.Debug, "Slack dry run: the {Action} request as JSON: {Request}")]
    public static partial void DryRunJson(ILogger logger, string action, string request);

    [LoggerMessage(7011, LogLevel.Information, "Slack message for group {GroupKey} posted to {Channel} as {Ts}")]
    public static partial void Posted(ILogger logger, string groupKey, string? channel, string? ts);

    [LoggerMessage(7012, LogLevel.Information, "Slack message for group {GroupKey} posted through the incoming webhook")]
    public static partial void PostedByWebhook(ILogger logger, string groupKey);

    [LoggerMessage(7013, LogLevel.Information, "Slack message for group {GroupKey} was shortened to fit Slack's limits: {Cuts}")]
    public static partial void Shortened(ILogger logger, string groupKey, string cuts);

    [LoggerMessage(7014, LogLevel.Warning, "Slack accepted a message in {Channel} with warnings: {Warnings}")]
    public static partial void Warnings(ILogger logger, string channel, string warnings);

    [LoggerMessage(7015, LogLevel.Information, "Slack message {Ts} of group {GroupKey} in {Channel} updated to {Status}")]
    public static partial void Updated(ILogger logger, string groupKey, string channel, string ts, string status);

    [LoggerMessage(7016, LogLevel.Warning, "Slack could not update message {Ts} of group {GroupKey} in {Channel} ({Error}); posting a new message")]
    public static partial void UpdateReplaced(ILogger logger, string groupKey, string channel, string ts, string error);

    [LoggerMessage(7017, LogLevel.Information, "Alert storm in {Channel}: group {GroupKey} joins the storm ({Count} groups so far)")]
    public static partial void StormMember(ILogger logger, string channel, string groupKey, int count);

    [LoggerMessage(7018, LogLevel.Warning, "Slack storm digest {DigestTs} in {Channel} could not be updated: {Error}")]
    public static partial void DigestNotUpdated(ILogger logger, string channel, string digestTs, string error);

    [LoggerMessage(7019, LogLevel.Warning, "Slack thread reply for group {GroupKey} in {Channel} failed and is not repeated (the message itself is up to date): {Error}")]
    public static partial void ReplyFailed(ILogger logger, string groupKey, string channel, string error);

    [LoggerMessage(7020, LogLevel.Warning, "Slack delivery for group {GroupKey} failed, will retry: {Error}")]
    public static partial void RetryableFailure(ILogger logger, string groupKey, string error);

    [LoggerMessage(7021, LogLevel.Error, "Slack delivery for group {GroupKey} failed and will not be retried: {Error}")]
    public static partial void PermanentFailure(ILogger logger, string groupKey, string error);

    [LoggerMessage(7022, LogLevel.Error, "Slack message {Ts} of group {GroupKey} in {Channel} was posted but could not be remembered; the group's next notification posts a new message")]
    public static partial void NotRemembered(ILogger logger, Exception exception, string groupKey, string channel, string ts);

    [LoggerMessage(7023, LogLevel.Warning, "Alert storm in {Channel}: digest {DigestTs} posted ({Earlier} groups before it keep their own messages, {Count} in the storm so far)")]
    public static partial void StormStarted(ILogger logger, string channel, string digestTs, int earlier, int count);

    [LoggerMessage(7024, LogLevel.Information, "Alert storm in {Channel}: {Count} groups listed in one reply in the thread of digest {DigestTs}")]
    public static partial void StormBatch(ILogger logger, string channel, string digestTs, int count);

    [LoggerMessage(7025, LogLevel.Debug, "Slack delivery for group {GroupKey} deferred: {Reason}")]
    public static partial void Deferred(ILogger logger, string groupKey, string reason);

    [LoggerMessage(7026, LogLevel.Warning, "Slack answered {Method} with 429: every {Method} call in the workspace waits {RetryAfter}")]
    public static partial void MethodHeld(ILogger logger, string method, TimeSpan retryAfter);

    // 7080–7089: a post's intent and its recovery from the channel's history (issue 12), apart from the ids others add.
    [LoggerMessage(7080, LogLevel.Warning, "Slack post of group {GroupKey} to {Channel} was begun by an earlier delivery (intent {DeliveryId}) and not recorded: found it in the channel's history as {Ts}, recorded instead of posting again")]
    public static partial void PostRecovered(ILogger logger, string groupKey, string channel, string deliveryId, string ts);

    [LoggerMessage(7081, LogLevel.Information, "Slack post of group {GroupKey} to {Channel} was begun by an earlier delivery (intent {DeliveryId}) and is not in the channel's history since {Oldest}: posting it now")]
    public static partial void PostNotFound(ILogger logger, string groupKey, string channel, string deliveryId, DateTimeOffset oldest);

    [LoggerMessage(7082, LogLevel.Warning, "Slack post of group {GroupKey} to {Channel} was begun by an earlier delivery (intent {DeliveryId}) but the channel's history cannot be read ({Error}; the bot needs channels:history / groups:history and a channel ID): posting it now, which may show it twice")]
    public static partial void HistoryUnreadable(ILogger logger, string groupKey, string channel, string deliveryId, string error);

    [LoggerMessage(7086, LogLevel.Warning, "Slack storm in {Channel}: group {GroupKey} could not be recorded in the store, so other replicas' storm digests miss it")]
    public static partial void StormMemberNotShared(ILogger logger, Exception exception, string channel, string groupKey);

    [LoggerMessage(7087, LogLevel.Warning, "Slack storm in {Channel}: the digest {DigestTs} could not be recorded in the store (its claim runs out by itself; a replica taking it over finds the digest by its metadata)")]
    public static partial void StormDigestNotShared(ILogger logger, Exception exception, string channel, string? digestTs);
}
