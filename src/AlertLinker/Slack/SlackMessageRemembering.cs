using Microsoft.Extensions.Logging;

namespace AlertLinker.Slack;

/// <summary>Recording a message Slack took: the one place that decides what a failure to record it means.</summary>
internal static class SlackMessageRemembering
{
    /// <summary>
    /// Records <paramref name="record"/> (closing <paramref name="intent"/> in the same step when there is one). Not
    /// cancelled and never throws: the message is in Slack already, so retrying the delivery would post it twice. A
    /// failure is logged; the group's next notification finds the post by its intent (if the store recorded that) or
    /// posts anew.
    /// </summary>
    public static async Task RememberAsync(this ISlackMessageStore messages, SlackMessageRecord record, SlackPostIntent? intent, ILogger logger)
    {
        try
        {
            if (intent is null)
                await messages.SaveSlackMessageAsync(record, CancellationToken.None).ConfigureAwait(false);
            else
                await messages.CompletePostAsync(intent, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            SlackLog.NotRemembered(logger, exception, record.GroupKey, record.Channel, record.Ts);
        }
    }
}
