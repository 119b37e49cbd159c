using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace AlertLinker.Sources;

/// <summary>Reads a webhook body as raw bytes (signatures are computed over them), enforcing size and content type.</summary>
internal static class WebhookBody
{
    /// <summary>The body, or the problem to answer with (413, 415, 400).</summary>
    public static Task<(byte[]? Body, WebhookRejection? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(request, maxBytes, SourceProblems.SourceLimitSetting, cancellationToken);

    /// <param name="limitSetting">The setting a 413 names, so the caller knows what to raise.</param>
    public static async Task<(byte[]? Body, WebhookRejection? Problem)> ReadAsync(
        HttpRequest request, int maxBytes, string limitSetting, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            return (null, SourceProblems.UnsupportedMediaType(request.ContentType!));
        if (request.ContentLength > maxBytes)
            return (null, SourceProblems.TooLarge(maxBytes, limitSetting));

        // With a Content-Length, one byte more than it: the read that finds the end then needs no larger buffer (asking
        // for a fixed 8 KB grew a 2 KB body's buffer to 18 KB, zeroed, on every request).
        var expected = request.ContentLength is > 0 and var length ? (int)length : 0;
        var buffer = new ArrayBufferWriter<byte>(expected > 0 ? expected + 1 : 16 * 1024);
        var stream = request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(expected > 0 ? Math.Max(1, expected - buffer.WrittenCount) : 8192);
            var read = await stream.ReadAsync(memory, cancellationToken);
            if (read == 0)
                break;
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
                return (null, SourceProblems.TooLarge(maxBytes, limitSetting));
        }
        if (buffer.WrittenCount == 0)
            return (null, SourceProblems.BadRequest("The request body is empty; a JSON webhook payload is expected."));
        return (buffer.WrittenSpan.ToArray(), null);
    }

    /// <summary>JSON or no content type at all (some senders omit it); anything else is refused with 415.</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return true;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
