using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Opsgenie;

/// <summary>Opsgenie's outgoing webhook: Bearer, Basic or a shared-secret header (Opsgenie signs nothing).</summary>
internal sealed class OpsgenieAlertSource(IOptionsMonitor<OpsgenieOptions> options) : IAlertSource
{
    public string Name => OpsgenieParser.SourceName;

    public WebhookDocs Docs { get; } = new()
    {
        OperationId = "OpsgenieWebhook",
        Title = "Opsgenie",
        Summary = "Receives an Opsgenie outgoing webhook.",
        Description = "Create, Acknowledge, UnAcknowledge and Close are stored as state changes and AddNote as a thread note (202); " +
            "other actions (Escalate, tags, teams, owners, custom actions) are recorded and answered 200. " +
            "Authenticated by a Bearer token, Basic auth or a configured header.",
        Payload = typeof(OpsgeniePayload),
        ShapeProperty = "action",
        Shape = "`action` + `alert`",
        MayIgnore = true,
    };

    public int MaxBodyBytes => options.CurrentValue.MaxBodyBytes;

    public WebhookRejection? Authorize(HttpRequest request)
    {
        var settings = options.CurrentValue;
        var authorized = WebhookAuth.IsAuthorized(request, settings)
            || (settings.HasHeader && WebhookAuth.HeaderMatches(request, settings.HeaderName!, settings.HeaderValue!));
        return authorized ? null : WebhookAuth.Refusal(settings, Name);
    }

    public WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt)
    {
        if (!OpsgenieParser.TryParse(body, options.CurrentValue, receivedAt, out var delivery, out var error))
            return WebhookParse.Invalid(error);
        return delivery.Notification is { } notification
            ? WebhookParse.Accepted(notification)
            : WebhookParse.Ignored(delivery.Action, delivery.IgnoredBecause!);
    }

    public ShapeMatch MatchShape(JsonElement root) =>
        WebhookJson.Has(root, "action") && WebhookJson.Has(root, "alert") ? ShapeMatch.Distinct : ShapeMatch.None;
}
