using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

/// <summary>
/// What acting from Slack needs, read from the keys the configuration contract names for it
/// (<c>AlertLinker:Slack:SigningSecret</c>, <c>AlertLinker:Sources:&lt;Source&gt;:ApiUrl/ApiToken/ApiKey…</c>) plus
/// <c>AlertLinker:Actions</c> for durations and restrictions. Read here rather than from the Slack and source options
/// so that this stage depends on no other stage. Every secret stays out of logs and errors.
/// </summary>
public sealed class ActionsOptions
{
    public const string SectionName = "AlertLinker:Actions";
    public const string SigningSecretKey = "AlertLinker:Slack:SigningSecret";
    public const string BotTokenKey = "AlertLinker:Slack:BotToken";
    public const string SlackApiUrlKey = "AlertLinker:Slack:ApiUrl";
    public const string AlertmanagerApiUrlKey = "AlertLinker:Sources:Alertmanager:ApiUrl";
    public const string GrafanaApiUrlKey = "AlertLinker:Sources:Grafana:ApiUrl";
    public const string GrafanaApiTokenKey = "AlertLinker:Sources:Grafana:ApiToken";
    public const string PagerDutyApiTokenKey = "AlertLinker:Sources:PagerDuty:ApiToken";
    public const string PagerDutyFromEmailKey = "AlertLinker:Sources:PagerDuty:FromEmail";
    public const string PagerDutyApiUrlKey = "AlertLinker:Sources:PagerDuty:ApiUrl";
    public const string OpsgenieApiKeyKey = "AlertLinker:Sources:Opsgenie:ApiKey";
    public const string OpsgenieApiUrlKey = "AlertLinker:Sources:Opsgenie:ApiUrl";

    /// <summary>Slack's signing secret (app settings → Basic Information). Without it no click is trusted and no button is shown.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot token, for thread replies and chat.update after an action; without it the response_url is used.</summary>
    public string? BotToken { get; set; }

    public Uri SlackApiUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Alertmanagers to silence on, tried in order (an HA pair gossips: one is enough). Raw text, split on commas.</summary>
    public string? AlertmanagerApiUrl { get; set; }

    /// <summary>Grafana's base URL; its Alertmanager lives under <c>/api/alertmanager/grafana</c>.</summary>
    public Uri? GrafanaApiUrl { get; set; }

    /// <summary>A Grafana service account token with silence rights (Bearer). A secret.</summary>
    public string? GrafanaApiToken { get; set; }

    /// <summary>PagerDuty REST API key with write access. A secret.</summary>
    public string? PagerDutyApiToken { get; set; }

    /// <summary>Email of a PagerDuty user; PagerDuty requires it in the <c>From</c> header of every write.</summary>
    public string? PagerDutyFromEmail { get; set; }

    public Uri PagerDutyApiUrl { get; set; } = new("https://api.pagerduty.com/");

    /// <summary>Opsgenie API key (an API integration's key with write access). A secret.</summary>
    public string? OpsgenieApiKey { get; set; }

    /// <summary>EU accounts use https://api.eu.opsgenie.com/.</summary>
    public Uri OpsgenieApiUrl { get; set; } = new("https://api.opsgenie.com/");

    /// <summary>The silence buttons offered, in order (<c>AlertLinker:Actions:SilenceDurations</c>); a click can only pick one of these.</summary>
    public List<TimeSpan> SilenceDurations { get; set; } = [];

    /// <summary>Who may act, per channel (a route's channel); a channel without an entry lets anyone in it act.</summary>
    public List<ActionRestriction> Restrictions { get; set; } = [];

    /// <summary>Where Slack's response_url may point: it comes from the payload, so only Slack's host is called.</summary>
    public Uri ResponseUrlPrefix { get; set; } = new("https://hooks.slack.com/");

    /// <summary>Time one call to a source or to Slack may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    internal static readonly TimeSpan[] DefaultSilenceDurations = [TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(24)];

    /// <summary>The configured durations, or 1 h / 4 h / 24 h.</summary>
    public IReadOnlyList<TimeSpan> EffectiveSilenceDurations => SilenceDurations.Count > 0 ? SilenceDurations : DefaultSilenceDurations;

    /// <summary>The Alertmanager base URLs (each ending in '/'); invalid entries are reported by the validator.</summary>
    public IReadOnlyList<Uri> AlertmanagerApiUrls =>
        (AlertmanagerApiUrl ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && IsWeb(uri) ? Directory(uri) : null)
            .OfType<Uri>()
            .ToList();

    /// <summary>Grafana's Alertmanager-compatible API root.</summary>
    public Uri? GrafanaAlertmanagerUrl => GrafanaApiUrl is { } grafana && IsWeb(grafana)
        ? new Uri(Directory(grafana), "api/alertmanager/grafana/")
        : null;

    public bool Verifies => !string.IsNullOrEmpty(SigningSecret);

    /// <summary>True when the given source's messages carry action buttons.</summary>
    public bool Enabled(string source) => Verifies && source switch
    {
        ActionSources.Alertmanager => AlertmanagerApiUrls.Count > 0,
        ActionSources.Grafana => GrafanaAlertmanagerUrl is not null,
        ActionSources.PagerDuty => !string.IsNullOrEmpty(PagerDutyApiToken) && !string.IsNullOrEmpty(PagerDutyFromEmail),
        ActionSources.Opsgenie => !string.IsNullOrEmpty(OpsgenieApiKey),
        _ => false,
    };

    /// <summary>The sources with actions on, for the start-up log line.</summary>
    public IReadOnlyList<string> EnabledSources =>
        new[] { ActionSources.Alertmanager, ActionSources.Grafana, ActionSources.PagerDuty, ActionSources.Opsgenie }.Where(Enabled).ToList();

    /// <summary>Something asks for actions (a target is configured), whether or not the signing secret is there.</summary>
    internal bool AnyTarget =>
        !string.IsNullOrWhiteSpace(AlertmanagerApiUrl) || GrafanaApiUrl is not null
        || !string.IsNullOrEmpty(PagerDutyFromEmail) || !string.IsNullOrEmpty(OpsgenieApiKey);

    internal static bool IsWeb(Uri uri) => uri.IsAbsoluteUri && uri.Scheme is "http" or "https";

    private static Uri Directory(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>Fills the options from the keys of the configuration contract.</summary>
    internal static void Read(ActionsOptions options, IConfiguration configuration)
    {
        options.SigningSecret = configuration[SigningSecretKey];
        options.BotToken = configuration[BotTokenKey];
        options.AlertmanagerApiUrl = configuration[AlertmanagerApiUrlKey]
            ?? string.Join(',', configuration.GetSection(AlertmanagerApiUrlKey).GetChildren().Select(c => c.Value).OfType<string>());
        options.GrafanaApiToken = configuration[GrafanaApiTokenKey];
        options.PagerDutyApiToken = configuration[PagerDutyApiTokenKey];
        options.PagerDutyFromEmail = configuration[PagerDutyFromEmailKey];
        options.OpsgenieApiKey = configuration[OpsgenieApiKeyKey];
        options.SlackApiUrl = UriOr(configuration[SlackApiUrlKey], options.SlackApiUrl, SlackApiUrlKey, options);
        options.PagerDutyApiUrl = UriOr(configuration[PagerDutyApiUrlKey], options.PagerDutyApiUrl, PagerDutyApiUrlKey, options);
        options.OpsgenieApiUrl = UriOr(configuration[OpsgenieApiUrlKey], options.OpsgenieApiUrl, OpsgenieApiUrlKey, options);
        if (configuration[GrafanaApiUrlKey] is { Length: > 0 } grafana)
            options.GrafanaApiUrl = UriOr(grafana, null, GrafanaApiUrlKey, options);
    }

    /// <summary>Problems found while reading (an unparsable URL), reported by the validator with their key.</summary>
    internal List<string> ReadProblems { get; } = [];

    private static Uri UriOr(string? value, Uri? fallback, string key, ActionsOptions options)
    {
        if (string.IsNullOrWhiteSpace(value))
            return fallback!;
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && IsWeb(uri))
            return Directory(uri);
        options.ReadProblems.Add($"{key} must be an absolute http(s) URL, got '{value}'");
        return fallback!;
    }

    internal static bool IsEmail(string value) => MailAddress.TryCreate(value, out var address) && address.Address == value.Trim();
}

/// <summary>One entry of <c>AlertLinker:Actions:Restrictions</c>: in <see cref="Channel"/> only these people may act.</summary>
public sealed class ActionRestriction
{
    /// <summary>Channel ID (C…) of a Slack route (or the default channel).</summary>
    public string? Channel { get; set; }

    /// <summary>Slack user ids (U…/W…) allowed to act.</summary>
    public List<string> Users { get; set; } = [];

    /// <summary>Slack user group ids (S…) whose members may act (needs the usergroups:read scope).</summary>
    public List<string> UserGroups { get; set; } = [];
}

/// <summary>The source names (as <see cref="AlertNotification.Source"/> spells them) that have actions.</summary>
internal static class ActionSources
{
    public const string Alertmanager = "alertmanager";
    public const string Grafana = "grafana";
    public const string PagerDuty = "pagerduty";
    public const string Opsgenie = "opsgenie";
}

/// <summary>Checks the action settings at start-up; every message names the full key.</summary>
internal sealed class ActionsOptionsValidator : IValidateOptions<ActionsOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionsOptions options)
    {
        var problems = new List<string>(options.ReadProblems);
        var raw = (options.AlertmanagerApiUrl ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in raw)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !ActionsOptions.IsWeb(uri))
                problems.Add($"{ActionsOptions.AlertmanagerApiUrlKey} must list absolute http(s) URLs (e.g. http://alertmanager:9093/), got '{url}'");
        }
        if (options.AnyTarget && !options.Verifies)
            problems.Add($"{ActionsOptions.SigningSecretKey} is required to act from Slack (actions are configured through " +
                $"{ActionsOptions.AlertmanagerApiUrlKey}, {ActionsOptions.GrafanaApiUrlKey}, {ActionsOptions.PagerDutyFromEmailKey} or " +
                $"{ActionsOptions.OpsgenieApiKeyKey}): copy it from the Slack app's Basic Information page");
        if (options.GrafanaApiUrl is not null && string.IsNullOrEmpty(options.GrafanaApiToken))
            problems.Add($"{ActionsOptions.GrafanaApiTokenKey} is required with {ActionsOptions.GrafanaApiUrlKey}: a Grafana service account token allowed to create silences");
        if (!string.IsNullOrEmpty(options.PagerDutyFromEmail))
        {
            if (string.IsNullOrEmpty(options.PagerDutyApiToken))
                problems.Add($"{ActionsOptions.PagerDutyFromEmailKey} is set but {ActionsOptions.PagerDutyApiTokenKey} is not: acknowledging needs a REST API key with write access");
            if (!ActionsOptions.IsEmail(options.PagerDutyFromEmail))
                problems.Add($"{ActionsOptions.PagerDutyFromEmailKey} must be the email address of a PagerDuty user (PagerDuty's From header)");
        }
        for (var i = 0; i < options.SilenceDurations.Count; i++)
        {
            if (options.SilenceDurations[i] < TimeSpan.FromMinutes(1) || options.SilenceDurations[i] > TimeSpan.FromDays(30))
                problems.Add($"{ActionsOptions.SectionName}:SilenceDurations:{i} is {options.SilenceDurations[i]}; a silence button lasts between 1 minute and 30 days");
        }
        if (options.SilenceDurations.Count > 5)
            problems.Add($"{ActionsOptions.SectionName}:SilenceDurations lists {options.SilenceDurations.Count} durations; at most 5 fit one row of buttons");
        for (var i = 0; i < options.Restrictions.Count; i++)
        {
            var restriction = options.Restrictions[i];
            var key = $"{ActionsOptions.SectionName}:Restrictions:{i}";
            if (string.IsNullOrWhiteSpace(restriction.Channel))
                problems.Add($"{key}:Channel is empty: name the channel ID (C…) whose messages only these users may act on");
            if (restriction.Users.Count == 0 && restriction.UserGroups.Count == 0)
                problems.Add($"{key} lists no Users and no UserGroups: nobody could act in {restriction.Channel}");
            if (restriction.UserGroups.Count > 0 && string.IsNullOrEmpty(options.BotToken))
                problems.Add($"{key}:UserGroups needs {ActionsOptions.BotTokenKey} (usergroups.users.list, scope usergroups:read)");
        }
        if (!ActionsOptions.IsWeb(options.ResponseUrlPrefix))
            problems.Add($"{ActionsOptions.SectionName}:ResponseUrlPrefix must be an absolute http(s) URL, got '{options.ResponseUrlPrefix}'");
        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(1))
            problems.Add($"{ActionsOptions.SectionName}:Timeout is {options.Timeout}; it must be between 100 ms and 1 minute");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
