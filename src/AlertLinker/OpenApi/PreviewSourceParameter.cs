using System.Text.Json.Nodes;
using AlertLinker.Preview;
using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

/// <summary>The preview's <c>?source=</c> as the enum of the sources it knows, so a generated client offers exactly those.</summary>
internal static class PreviewSourceParameter
{
    public static void Describe(OpenApiDocument document, IReadOnlyList<string> sources)
    {
        if (OpenApiOperations.Post(document, PreviewApi.Route)?.Parameters is not { } parameters)
            return;
        foreach (var parameter in parameters.OfType<OpenApiParameter>().Where(p => p.Name == "source"))
        {
            parameter.Description = "The source whose body this is; left out, it is told from the body's shape.";
            parameter.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = sources.Select(name => (JsonNode)JsonValue.Create(name)).ToList(),
            };
        }
    }
}
