using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

internal static class OpenApiOperations
{
    /// <summary>The POST operation at <paramref name="path"/>, when the document has one.</summary>
    public static OpenApiOperation? Post(OpenApiDocument document, string path) =>
        document.Paths.TryGetValue(path, out var item) && item.Operations is { } operations
            && operations.TryGetValue(HttpMethod.Post, out var operation)
            ? operation
            : null;
}
