using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Opsgenie;

public static class OpsgenieApi
{
    public static RouteHandlerBuilder MapOpsgenieWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/opsgenie", HandleAsync)
            .WithName("OpsgenieWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receives an Opsgenie outgoing webhook.")
            .WithDescription("Create, Acknowledge, UnAcknowledge and Close are stored as state changes and AddNote as a thread note (202); " +
                "other actions (Escalate, tags, teams, owners, custom actions) are recorded and answered 200. " +
                "Authenticated by a Bearer token, Basic auth or a configured header.")
            .DocumentsWebhookBody<OpsgeniePayload>()
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .Produces<WebhookIgnored>(StatusCodes.Status200OK)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptionsMonitor<OpsgenieOptions> options,
        WebhookIntake intake,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var authorized = WebhookAuth.IsAuthorized(request, settings)
            || (settings.HasHeader && WebhookAuth.HeaderMatches(request, settings.HeaderName!, settings.HeaderValue!));
        if (!authorized)
            return SourceProblems.Unauthorized(OpsgenieParser.SourceName);

        var (body, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        if (!OpsgenieParser.TryParse(body!, settings, time.GetUtcNow(), out var delivery, out var error))
            return SourceProblems.BadRequest(error);
        if (delivery.Notification is null)
            return intake.Ignore(OpsgenieParser.SourceName, delivery.Action, delivery.IgnoredBecause!);
        return await intake.AcceptAsync(delivery.Notification, cancellationToken);
    }
}
