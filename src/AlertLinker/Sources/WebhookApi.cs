namespace AlertLinker.Sources;

/// <summary><c>POST /webhooks/{source}</c> for every registered <see cref="IAlertSource"/>, on one path (<see cref="WebhookIntake"/>).</summary>
public static class WebhookApi
{
    public const string Prefix = "/webhooks";

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Webhooks");
        foreach (var source in app.ServiceProvider.GetServices<IAlertSource>())
        {
            var endpoint = group.MapPost("/" + source.Name,
                    (HttpRequest request, WebhookIntake intake, CancellationToken cancellationToken) =>
                        intake.ReceiveAsync(source, request, cancellationToken))
                .WithName(source.Docs.OperationId)
                .WithSummary(source.Docs.Summary)
                .WithDescription(source.Docs.Description)
                .DocumentsWebhookBody(source.Docs.Payload)
                .Produces<AcceptResult>(StatusCodes.Status202Accepted);
            if (source.Docs.MayIgnore)
                endpoint.Produces<WebhookIgnored>(StatusCodes.Status200OK);
            endpoint
                .ProducesBodyProblems()
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        }
        return group;
    }
}
