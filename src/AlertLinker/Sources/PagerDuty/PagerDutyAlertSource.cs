using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>
/// PagerDuty's V3 webhooks, signed with the subscription's secret. With an API token the incident's custom details
/// are fetched on the delivery side (<see cref="CompleteAsync"/>), never while PagerDuty waits for its answer.
/// </summary>
internal sealed class PagerDutyAlertSource(IOptionsMonitor<PagerDutyOptions> options, PagerDutyDetails details) : IAlertSource
{
    public string Name => PagerDutyParser.SourceName;

    public WebhookDocs Docs { get; } = new()
    {
        OperationId = "PagerDutyWebhook",
        Title = "PagerDuty V3",
        Summary = "Receives a PagerDuty V3 webhook (signed).",
        Description = "Verifies X-PagerDuty-Signature over the raw body, stores the incident's state or note and answers 202. " +
            "pagey.ping and events that change nothing answer 200. Retries (same event id) are acknowledged and not delivered again. " +
            "V2 bodies (messages[]) are refused with 400.",
        Payload = typeof(PagerDutyWebhook),
        ShapeProperty = "event",
        Shape = "`event`",
        MayIgnore = true,
    };

    public int MaxBodyBytes => options.CurrentValue.MaxBodyBytes;

    /// <summary>Bearer/Basic through the subscription's custom headers are optional; when configured they are required too.</summary>
    public WebhookRejection? Authorize(HttpRequest request) =>
        WebhookAuth.CheckBesideSignature(request, options.CurrentValue, Name,
            SourceProblems.Unauthorized(Name, "No signing secret is configured (AlertLinker:Sources:PagerDuty:SigningSecrets)",
                SourceProblems.Reasons.NoCredentialsConfigured));

    public WebhookRejection? Verify(HttpRequest request, byte[] body, DateTimeOffset now)
    {
        if (options.CurrentValue.EffectiveSigningSecrets is not { Count: > 0 } secrets)
            return null;
        var problem = PagerDutySignature.Verify(body, request.Headers[PagerDutySignature.HeaderName].ToString(), secrets) switch
        {
            SignatureCheck.Missing => $"The {PagerDutySignature.HeaderName} header is missing",
            SignatureCheck.Malformed => $"The {PagerDutySignature.HeaderName} header is malformed; expected v1=<64 hex digits>[,v1=…]",
            SignatureCheck.Mismatch => $"No {PagerDutySignature.HeaderName} signature matches the body with a configured signing secret",
            _ => null,
        };
        return problem is null ? null : SourceProblems.Unauthorized(Name, problem, SourceProblems.Reasons.BadSignature);
    }

    public WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt)
    {
        var webhookId = headers["X-Webhook-Id"].ToString();
        if (!PagerDutyParser.TryParse(body, webhookId.Length == 0 ? null : webhookId, receivedAt, out var delivery, out var error))
            return WebhookParse.Invalid(error);
        return delivery.Notification is { } notification
            ? WebhookParse.Accepted(notification)
            : WebhookParse.Ignored(delivery.EventType, delivery.IgnoredBecause!);
    }

    /// <summary>V3 bodies have <c>event</c>, V2 bodies <c>messages</c> (the parser refuses those, saying why).</summary>
    public ShapeMatch MatchShape(JsonElement root) =>
        WebhookJson.Has(root, "event") || WebhookJson.Has(root, "messages") ? ShapeMatch.Distinct : ShapeMatch.None;

    /// <summary>The incident's custom details as labels, when an API token is configured (one incident per group key).</summary>
    public Task<AlertNotification> CompleteAsync(AlertNotification notification, CancellationToken cancellationToken) =>
        details.AddDetailsAsync(notification, notification.GroupKey, cancellationToken);
}
