using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.PagerDuty;

public static class PagerDutyApi
{
    public static RouteHandlerBuilder MapPagerDutyWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/pagerduty", HandleAsync)
            .WithName("PagerDutyWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receives a PagerDuty V3 webhook (signed).")
            .WithDescription("Verifies X-PagerDuty-Signature over the raw body, stores the incident's state or note and answers 202. " +
                "pagey.ping and events that change nothing answer 200. Retries (same event id) are acknowledged and not delivered again. " +
                "V2 bodies (messages[]) are refused with 400.")
            .DocumentsWebhookBody<PagerDutyWebhook>()
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .Produces<WebhookIgnored>(StatusCodes.Status200OK)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptionsMonitor<PagerDutyOptions> options,
        WebhookIntake intake,
        PagerDutyDetails details,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.AllowAnonymous)
        {
            if (!settings.HasCredentials)
                return SourceProblems.Unauthorized(PagerDutyParser.SourceName, "No signing secret is configured (AlertLinker:Sources:PagerDuty:SigningSecrets)");
            // Bearer/Basic through the subscription's custom headers are optional; when configured they are required too.
            if ((!string.IsNullOrEmpty(settings.BearerToken) || settings.BasicAuth.IsConfigured) && !WebhookAuth.IsAuthorized(request, settings))
                return SourceProblems.Unauthorized(PagerDutyParser.SourceName);
        }

        var (body, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        if (!settings.AllowAnonymous && settings.EffectiveSigningSecrets is { Count: > 0 } secrets)
        {
            var check = PagerDutySignature.Verify(body, request.Headers[PagerDutySignature.HeaderName].ToString(), secrets);
            switch (check)
            {
                case SignatureCheck.Missing:
                    return SourceProblems.Unauthorized(PagerDutyParser.SourceName, $"The {PagerDutySignature.HeaderName} header is missing");
                case SignatureCheck.Malformed:
                    return SourceProblems.Unauthorized(PagerDutyParser.SourceName,
                        $"The {PagerDutySignature.HeaderName} header is malformed; expected v1=<64 hex digits>[,v1=…]");
                case SignatureCheck.Mismatch:
                    return SourceProblems.Unauthorized(PagerDutyParser.SourceName,
                        $"No {PagerDutySignature.HeaderName} signature matches the body with a configured signing secret");
            }
        }

        var webhookId = request.Headers["X-Webhook-Id"].ToString();
        if (!PagerDutyParser.TryParse(body!, webhookId.Length == 0 ? null : webhookId, time.GetUtcNow(), out var delivery, out var error))
            return SourceProblems.BadRequest(error);
        if (delivery.Notification is null)
            return intake.Ignore(PagerDutyParser.SourceName, delivery.EventType, delivery.IgnoredBecause!);

        var notification = await details.EnrichAsync(delivery.Notification, delivery.IncidentId!, cancellationToken);
        return await intake.AcceptAsync(notification, cancellationToken);
    }
}
