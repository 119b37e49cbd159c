namespace AlertLinker.Slack;

public static class SlackRegistration
{
    // SKELETON: the Slack sink (bot token, incoming webhook, dry run) registers here as IAlertSink.
    public static IServiceCollection AddSlack(this IServiceCollection services) => services;
}
