using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

/// <summary>
/// <c>POST /slack/interactions</c>, the Slack app's Interactivity Request URL. Verifies Slack's signature over the raw
/// body before reading anything from it, queues the clicks and answers 200 at once (Slack allows 3 s); the work is
/// done by <see cref="InteractionWorker"/>. Unsigned, mis-signed or stale requests get 401 problem+json.
/// </summary>
public static class InteractionsApi
{
    public const string Route = "/slack/interactions";

    /// <summary>A block_actions payload carries the whole message (up to 50 blocks), URL-encoded: room for that, no more.</summary>
    internal const int MaxBodyBytes = 512 * 1024;

    public static RouteHandlerBuilder MapSlackInteractions(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, HandleAsync)
            .DisableAntiforgery()
            .WithTags("Slack")
            .WithSummary("Slack interactivity: button clicks on alert messages (signed by Slack)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok, ProblemHttpResult>> HandleAsync(
        HttpRequest request, IOptions<ActionsOptions> options, InteractionQueue queue, TimeProvider time, ILogger<InteractionQueue> logger,
        CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body is larger than {MaxBodyBytes} bytes.");
        var body = await ReadBodyAsync(request.Body, cancellationToken);
        if (body is null)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body is larger than {MaxBodyBytes} bytes.");

        var problem = InteractionSignature.Problem(
            options.Value.SigningSecret,
            request.Headers[InteractionSignature.TimestampHeader].ToString(),
            request.Headers[InteractionSignature.SignatureHeader].ToString(),
            body,
            time.GetUtcNow());
        if (problem is not null)
        {
            ActionsLog.Refused(logger, problem);
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", problem + ".");
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (!form.TryGetValue("payload", out var json) || string.IsNullOrWhiteSpace(json))
            return Problem(StatusCodes.Status400BadRequest, "The interaction payload is invalid", "The form has no payload field (Slack sends payload=<JSON>).");
        var payload = InteractionPayload.Parse(json.ToString(), out var invalid);
        if (payload is null)
            return Problem(StatusCodes.Status400BadRequest, "The interaction payload is invalid", invalid + ".");

        // Other interactions (shortcuts, view submissions) are not ours to handle: acknowledge them.
        if (payload.Type != InteractionPayload.BlockActions)
            return TypedResults.Ok();
        var retry = int.TryParse(request.Headers["X-Slack-Retry-Num"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        foreach (var action in payload.Actions.Where(a => a.ActionId?.StartsWith(ActionButtons.Prefix, StringComparison.Ordinal) == true))
        {
            if (!queue.TryEnqueue(new ClickRequest(payload, action, retry)))
            {
                ActionsLog.QueueFull(logger, InteractionQueue.Capacity);
                return Problem(StatusCodes.Status503ServiceUnavailable, "Busy", "Too many clicks are waiting; try again in a moment.");
            }
        }
        return TypedResults.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
