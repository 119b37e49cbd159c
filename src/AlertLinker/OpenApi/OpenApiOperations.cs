using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

internal static class OpenApiOperations
{
    /// <summary>The POST operation at <paramref name="path"/>, when the document has one.</summary>
    public static OpenApiOperation? Post(OpenApiDocument document, string path) => Find(document, path, HttpMethod.Post);

    /// <summary>The <paramref name="method"/> operation at <paramref name="path"/>, when the document has one.</summary>
    public static OpenApiOperation? Find(OpenApiDocument document, string path, HttpMethod method) =>
        document.Paths.TryGetValue(path, out var item) && item.Operations is { } operations
            && operations.TryGetValue(method, out var operation)
            ? operation
            : null;
}
