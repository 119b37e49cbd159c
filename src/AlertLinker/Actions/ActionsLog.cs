namespace AlertLinker.Actions;

/// <summary>The actions' log lines (event ids 9000–9099: step 8, act). None carries a secret or a signature.</summary>
internal static partial class ActionsLog
{
    [LoggerMessage(7500, LogLevel.Information, "Actions from Slack: on for {Sources}; interactivity at POST /slack/interactions")]
    public static partial void Enabled(ILogger logger, string sources);

    [LoggerMessage(7501, LogLevel.Information, "Actions from Slack: off (no source has its action keys; see the README, Acting from Slack)")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(7510, LogLevel.Warning, "Slack interaction refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(7511, LogLevel.Warning, "Slack interaction not queued: the queue of {Capacity} clicks is full")]
    public static partial void QueueFull(ILogger logger, int capacity);

    [LoggerMessage(7512, LogLevel.Information, "Slack click {ActionId} by {UserId} was handled before (retry {RetryNum}); not acting twice")]
    public static partial void ClickRepeated(ILogger logger, string actionId, string userId, int retryNum);

    [LoggerMessage(7513, LogLevel.Information, "Slack click {ActionId} ignored: {Reason}")]
    public static partial void ClickIgnored(ILogger logger, string actionId, string reason);

    [LoggerMessage(7514, LogLevel.Warning, "Slack click {ActionId} by {UserId} in {Channel} refused: not allowed by AlertLinker:Actions:Restrictions")]
    public static partial void ClickRefused(ILogger logger, string actionId, string userId, string channel);

    [LoggerMessage(7515, LogLevel.Error, "Slack click {ActionId} failed")]
    public static partial void ClickFailed(ILogger logger, Exception exception, string actionId);

    [LoggerMessage(7520, LogLevel.Information, "Group {GroupKey} silenced from Slack by {UserId}: silence {SilenceId} until {EndsAt:O}")]
    public static partial void Silenced(ILogger logger, string groupKey, string silenceId, string userId, DateTimeOffset endsAt);

    [LoggerMessage(7521, LogLevel.Information, "Group {GroupKey} unsilenced from Slack by {UserId}: silence {SilenceId} expired")]
    public static partial void Unsilenced(ILogger logger, string groupKey, string silenceId, string userId);

    [LoggerMessage(7522, LogLevel.Information, "{Source} incident {Incident} set to {Status} from Slack by {UserId}")]
    public static partial void IncidentChanged(ILogger logger, string source, string incident, string status, string userId);

    [LoggerMessage(7523, LogLevel.Warning, "Could not {Action} group {GroupKey} from Slack: {Reason}")]
    public static partial void ActionFailed(ILogger logger, string action, string groupKey, string reason);

    [LoggerMessage(7524, LogLevel.Warning, "Incident {Incident} changed from Slack, but its new state could not be queued for the message")]
    public static partial void StateNotQueued(ILogger logger, Exception exception, string incident);

    [LoggerMessage(7530, LogLevel.Warning, "Group {GroupKey} could not be stored for its action buttons; the message goes out without them")]
    public static partial void GroupNotStored(ILogger logger, Exception exception, string groupKey);

    [LoggerMessage(7531, LogLevel.Warning, "Slack {Method} after an action failed: {Error}")]
    public static partial void SlackAnswerFailed(ILogger logger, string method, string error);

    [LoggerMessage(7532, LogLevel.Warning, "A response_url outside {Prefix} was not called (AlertLinker:Actions:ResponseUrlPrefix)")]
    public static partial void ResponseUrlRefused(ILogger logger, Uri prefix);
}
