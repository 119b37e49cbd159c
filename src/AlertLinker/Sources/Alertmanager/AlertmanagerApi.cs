using AlertLinker.Sources;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Alertmanager;

public static class AlertmanagerApi
{
    public static RouteHandlerBuilder MapAlertmanagerWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/alertmanager", HandleAsync)
            .WithName("AlertmanagerWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receives an Alertmanager webhook (version 4).")
            .WithDescription("Stores the alerts durably and answers 202; delivery to Slack happens in the background. " +
                "Repeated deliveries (retries, HA peers) are acknowledged and not delivered again.")
            .DocumentsWebhookBody<AlertmanagerPayload>()
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptionsMonitor<AlertmanagerOptions> options,
        WebhookIntake intake,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!WebhookAuth.IsAuthorized(request, settings))
            return SourceProblems.Unauthorized(AlertmanagerParser.SourceName);

        var (body, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        if (!AlertmanagerParser.TryParse(body!, time.GetUtcNow(), out var notification, out var error))
            return SourceProblems.BadRequest(error);

        return await intake.AcceptAsync(notification, cancellationToken);
    }
}
