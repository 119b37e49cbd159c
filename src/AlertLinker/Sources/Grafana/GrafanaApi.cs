using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Grafana;

public static class GrafanaApi
{
    public static RouteHandlerBuilder MapGrafanaWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/grafana", HandleAsync)
            .WithName("GrafanaWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receives a Grafana Alerting webhook contact point notification (version 1).")
            .WithDescription("Bearer or Basic auth, and the contact point's HMAC signature when a signing secret is configured. " +
                "Stores the alerts with their values and dashboard/panel/silence/image links and answers 202; repeated deliveries are not delivered again.")
            .DocumentsWebhookBody<GrafanaPayload>()
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptionsMonitor<GrafanaOptions> options,
        WebhookIntake intake,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.AllowAnonymous)
        {
            if (!settings.HasCredentials)
                return SourceProblems.Unauthorized(GrafanaParser.SourceName);
            // Bearer/Basic when configured, and the signature when a secret is: each configured check must pass.
            if ((!string.IsNullOrEmpty(settings.BearerToken) || settings.BasicAuth.IsConfigured) && !WebhookAuth.IsAuthorized(request, settings))
                return SourceProblems.Unauthorized(GrafanaParser.SourceName);
        }

        var (body, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        if (!settings.AllowAnonymous && settings.VerifiesSignature
            && GrafanaSignature.Check(request, body!, settings, time.GetUtcNow()) is { } wrong)
            return SourceProblems.Unauthorized(GrafanaParser.SourceName, wrong);

        if (!GrafanaParser.TryParse(body!, time.GetUtcNow(), out var notification, out var error))
            return SourceProblems.BadRequest(error);
        return await intake.AcceptAsync(notification, cancellationToken);
    }
}
