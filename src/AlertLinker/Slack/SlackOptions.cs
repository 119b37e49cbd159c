using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>How messages leave: decided by which keys are set.</summary>
public enum SlackMode
{
    /// <summary>Nothing configured: rendered messages go to the log.</summary>
    DryRun,

    /// <summary>BotToken + Channel: chat.postMessage (and later chat.update of the same message).</summary>
    BotToken,

    /// <summary>WebhookUrl: incoming webhook; Slack returns no ts, so such messages cannot be updated.</summary>
    IncomingWebhook,
}

/// <summary><c>AlertLinker:Slack</c>. BotToken and WebhookUrl are secrets: never logged, never in an error.</summary>
public sealed class SlackOptions : IValidatableObject
{
    public const string SectionName = "AlertLinker:Slack";

    /// <summary>Slack Web API base; a stand-in's URL in tests.</summary>
    public Uri ApiUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Bot token (xoxb-…) with chat:write.</summary>
    public string? BotToken { get; set; }

    /// <summary>Default channel ID (C…) the bot posts to when no route matches; the bot must be a member.</summary>
    public string? Channel { get; set; }

    /// <summary>Label rules to channels, tried in order; the first match wins, else <see cref="Channel"/>. Bot mode only.</summary>
    public List<SlackRoute> Routes { get; set; } = [];

    /// <summary>Per channel, one message per this interval on average (Slack allows about one per second per channel).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PaceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages a quiet channel may take at once before the pace applies.</summary>
    [Range(1, 50)]
    public int PaceBurst { get; set; } = 3;

    /// <summary>More than this many new alert groups in one channel within <see cref="StormWindow"/> make a storm (one digest, details in its thread).</summary>
    [Range(1, 1000)]
    public int StormThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StormWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// During a storm the digest is edited at most once per this interval; each edit (and the one thread reply
    /// listing the groups that joined since the last) holds everything that joined in between.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StormDigestInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first this many groups of a storm get their full message in the digest's thread.</summary>
    [Range(0, 50)]
    public int StormDetails { get; set; } = 3;

    /// <summary>
    /// At most this many full messages per storm: after the first <see cref="StormDetails"/>, a group whose findings
    /// differ from every detailed group's gets one too, until this cap; every other group is one line.
    /// </summary>
    [Range(0, 200)]
    public int StormMaxDetails { get; set; } = 10;

    /// <summary>Incoming webhook URL; its path is the secret.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Time one HTTP call to Slack may take; past it the delivery counts as failed and is retried by the worker.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole upload of a graph (three calls) may take this long; past it the thread gets a one-line note instead.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bot mode: ask Slack's auth.test at start-up whether it takes the token (logged, and on /readyz as "slack").</summary>
    public bool VerifyTokenOnStart { get; set; } = true;

    public SlackMode Mode =>
        !string.IsNullOrWhiteSpace(BotToken) ? SlackMode.BotToken
        : WebhookUrl is not null ? SlackMode.IncomingWebhook
        : SlackMode.DryRun;

    /// <summary>How every Slack bot token starts.</summary>
    public const string BotTokenPrefix = "xoxb-";

    /// <summary>A public (C…) or private (G…) channel ID, as Slack shows it in the channel's details.</summary>
    public static bool IsChannelId(string? channel) =>
        channel?.Trim() is { Length: >= 2 } id && id[0] is 'C' or 'G' && id.Skip(1).All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9'));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasToken = !string.IsNullOrWhiteSpace(BotToken);
        if (Routes.Count > 0 && !hasToken && WebhookUrl is not null)
            yield return Fail("Routes need bot mode (BotToken + Channel): an incoming webhook always posts to the one channel it was created for; " +
                "remove Routes or use a bot token", nameof(Routes));
        for (var i = 0; i < Routes.Count; i++)
        {
            if (Routes[i].Problem() is { } problem)
                yield return Fail($"Routes:{i}: {problem}", nameof(Routes));
            else if (!IsChannelId(Routes[i].Channel))
                yield return new ValidationResult(
                    $"{SectionName}:Routes:{i}:Channel is '{Routes[i].Channel}'; write the channel ID (C… or G…, in Slack: channel details → About, at the bottom), "
                    + "not its name: a route's messages are found again by the channel they were posted to",
                    [nameof(Routes)]);
        }
        if (StormMaxDetails < StormDetails)
            yield return Fail($"StormMaxDetails ({StormMaxDetails}) must not be below StormDetails ({StormDetails})", nameof(StormMaxDetails));
        if (hasToken && WebhookUrl is not null)
            yield return Fail("set either BotToken + Channel (bot mode; messages can be updated) or WebhookUrl (incoming webhook), not both",
                nameof(BotToken), nameof(WebhookUrl));
        if (hasToken && string.IsNullOrWhiteSpace(Channel))
            yield return Fail("BotToken is set but Channel is not: set AlertLinker:Slack:Channel to the channel ID (C…) the bot posts to", nameof(Channel));
        if (hasToken && BotToken!.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            yield return Fail("BotToken looks like a URL; an incoming webhook URL belongs in AlertLinker:Slack:WebhookUrl", nameof(BotToken));
        else if (hasToken && !BotToken!.Trim().StartsWith(BotTokenPrefix, StringComparison.Ordinal))
            // The token is a secret: say what its start should be, never what it is.
            yield return new ValidationResult(
                $"{SectionName}:BotToken is not a bot token: it must start with {BotTokenPrefix} (the app's OAuth & Permissions page → "
                + "Bot User OAuth Token); user (xoxp-) and app-level (xapp-) tokens cannot post as the bot",
                [nameof(BotToken)]);
        if (!SlackText.IsWebUrl(ApiUrl))
            yield return Fail($"ApiUrl must be an absolute http(s) URL such as https://slack.com/api/, got '{ApiUrl}'", nameof(ApiUrl));
        // The webhook URL is a secret: name its scheme, never the URL.
        if (WebhookUrl is not null && !SlackText.IsWebUrl(WebhookUrl))
            yield return Fail(WebhookUrl.IsAbsoluteUri
                    ? $"WebhookUrl must be an http(s) URL (https://hooks.slack.com/services/…), its scheme is '{WebhookUrl.Scheme}'"
                    : "WebhookUrl must be an absolute http(s) URL (https://hooks.slack.com/services/…)",
                nameof(WebhookUrl));
    }

    private static ValidationResult Fail(string message, params string[] members) =>
        new($"{SectionName}: {message}", members);
}

/// <summary>One entry of <c>AlertLinker:Slack:Routes</c>: alerts whose labels match <see cref="Match"/> go to <see cref="Channel"/>.</summary>
public sealed class SlackRoute
{
    /// <summary>Alertmanager-style matchers, e.g. <c>team="payments", severity=~"critical|page"</c> (braces optional).</summary>
    public string? Match { get; set; }

    /// <summary>Channel ID (C…); the bot must be a member.</summary>
    public string? Channel { get; set; }

    /// <summary>What is wrong with this route, or null.</summary>
    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Match))
            return "Match is empty: write matchers such as team=\"payments\", severity=~\"critical|page\" (or {} for every alert)";
        Runbooks.LabelMatcher.ParseSelector(Match, out var error);
        if (error is { } e)
            return $"Match '{Match}' is not a valid matcher list at column {e.Column + 1}: {e.Message} (example: team=\"payments\", severity=~\"critical|page\")";
        if (string.IsNullOrWhiteSpace(Channel))
            return $"Channel is empty for Match '{Match}': set the channel ID (C…) these alerts go to";
        return null;
    }
}

/// <summary>Runs the attribute checks and <see cref="SlackOptions.Validate"/> at start-up (ValidateOnStart).</summary>
[OptionsValidator]
internal sealed partial class SlackOptionsValidator : IValidateOptions<SlackOptions>;
