using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AlertLinker.Sources;

internal static class WebhookOpenApi
{
    /// <summary>
    /// Documents the JSON body of a webhook. Not <c>.Accepts&lt;T&gt;()</c>: that also makes routing answer a wrong
    /// content type with a bare 415, where the endpoint's own check says what was sent and what to send.
    /// </summary>
    public static RouteHandlerBuilder DocumentsWebhookBody(this RouteHandlerBuilder builder, Type payload) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(payload, null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>The problems every body-taking endpoint can answer: bad body, wrong credentials, too large, wrong content type.</summary>
    public static RouteHandlerBuilder ProducesBodyProblems(this RouteHandlerBuilder builder) =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
