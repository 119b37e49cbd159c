using AlertLinker.Runbooks;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Picks a group's channel from <see cref="SlackOptions.Routes"/>: the first route whose matchers all hold for the
/// labels every alert of the group shares wins, else the default <see cref="SlackOptions.Channel"/>. Shared labels,
/// not any one alert's, so that every notification of a group (firing, resolved) lands in the same channel.
/// </summary>
internal sealed class SlackRouter
{
    /// <summary>The channel key used in dry run without a default channel.</summary>
    public const string DryRunChannel = "dry-run";

    private readonly IReadOnlyList<(IReadOnlyList<LabelMatcher> Matchers, string Channel)> routes;
    private readonly string defaultChannel;

    public SlackRouter(IOptions<SlackOptions> options)
    {
        var slack = options.Value;
        // Options were validated at start-up, so every route parses here.
        routes = slack.Routes
            .Select(route => (LabelMatcher.ParseSelector(route.Match ?? "{}", out _), route.Channel!.Trim()))
            .ToList();
        defaultChannel = string.IsNullOrWhiteSpace(slack.Channel) ? DryRunChannel : slack.Channel.Trim();
    }

    public string ChannelFor(AlertNotification notification)
    {
        if (routes.Count == 0)
            return defaultChannel;
        var labels = SharedLabels(notification);
        foreach (var (matchers, channel) in routes)
        {
            if (matchers.All(m => m.Matches(labels)))
                return channel;
        }
        return defaultChannel;
    }

    /// <summary>The group's common labels plus the labels all of its alerts have with the same value.</summary>
    internal static IReadOnlyDictionary<string, string> SharedLabels(AlertNotification notification)
    {
        var shared = new Dictionary<string, string>(notification.CommonLabels, StringComparer.Ordinal);
        if (notification.Alerts.Count == 0)
            return shared;
        foreach (var (name, value) in notification.Alerts[0].Labels)
        {
            if (!shared.ContainsKey(name) && notification.Alerts.All(a => a.Labels.TryGetValue(name, out var v) && v == value))
                shared[name] = value;
        }
        return shared;
    }
}
