using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> (and Swagger UI at <c>/swagger</c>), complete enough for a client
/// generator: each endpoint's credentials as security schemes, an example body from a real capture for every webhook,
/// the preview's <c>source</c> as an enum, and the health endpoints with their answers.
/// </summary>
public static class OpenApiRegistration
{
    public const string DocumentRoute = "/openapi/v1.json";

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "AlertLinker";
                document.Info.Description = "Alert webhooks in; Slack messages with trace links, exemplar traces and runbooks out.";
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, context, _) =>
            {
                OpenApiCredentials.Describe(document, context.ApplicationServices);
                OpenApiExamples.Attach(document);
                PreviewSourceParameter.Describe(document, [.. context.ApplicationServices.GetServices<IAlertSource>().Select(s => s.Name)]);
                return Task.CompletedTask;
            });
        });

    public static WebApplication MapOpenApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentRoute, "AlertLinker v1");
            options.RoutePrefix = "swagger";
        });
        return app;
    }
}
