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

    /// <summary>Channel ID (C…) or name the bot posts to; the bot must be a member.</summary>
    public string? Channel { get; set; }

    /// <summary>Incoming webhook URL; its path is the secret.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Time one HTTP call to Slack may take; past it the delivery counts as failed and is retried by the worker.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public SlackMode Mode =>
        !string.IsNullOrWhiteSpace(BotToken) ? SlackMode.BotToken
        : WebhookUrl is not null ? SlackMode.IncomingWebhook
        : SlackMode.DryRun;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasToken = !string.IsNullOrWhiteSpace(BotToken);
        if (hasToken && WebhookUrl is not null)
            yield return Fail("set either BotToken + Channel (bot mode; messages can be updated) or WebhookUrl (incoming webhook), not both",
                nameof(BotToken), nameof(WebhookUrl));
        if (hasToken && string.IsNullOrWhiteSpace(Channel))
            yield return Fail("BotToken is set but Channel is not: set AlertLinker:Slack:Channel to the channel ID (C…) the bot posts to", nameof(Channel));
        if (hasToken && BotToken!.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            yield return Fail("BotToken looks like a URL; an incoming webhook URL belongs in AlertLinker:Slack:WebhookUrl", nameof(BotToken));
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

/// <summary>Runs the attribute checks and <see cref="SlackOptions.Validate"/> at start-up (ValidateOnStart).</summary>
[OptionsValidator]
internal sealed partial class SlackOptionsValidator : IValidateOptions<SlackOptions>;
