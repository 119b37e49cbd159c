using System.Text.Json;

namespace AlertLinker.Sources;

/// <summary>
/// The 202 of an accept: the same JSON <c>TypedResults.Accepted</c> writes (the app's JSON options), but serialised
/// first and sent with a Content-Length, in one write, instead of streamed with chunked framing that every sender then
/// has to take apart.
/// </summary>
internal sealed class AcceptedJson(AcceptResult result, JsonSerializerOptions options) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(result, options.GetTypeInfo(typeof(AcceptResult)));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
