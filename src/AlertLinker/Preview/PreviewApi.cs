using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Runbooks;
using AlertLinker.Slack;
using AlertLinker.Sources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AlertLinker.Preview;

/// <summary>
/// <c>POST /api/preview</c>: a webhook body of any source → the enriched alerts, the rendered runbooks and the Slack
/// message, exactly as the pipeline would build them, without storing or delivering anything.
/// </summary>
public static partial class PreviewApi
{
    public const string Route = "/api/preview";

    public static RouteHandlerBuilder MapPreview(this IEndpointRouteBuilder app)
    {
        var sources = new PreviewSources(app.ServiceProvider.GetServices<IAlertSource>());
        return app.MapPost(Route, HandleAsync)
            .WithName("Preview")
            .WithTags("Runbooks")
            .WithSummary("Previews the message for a webhook body: enriched, rendered, not stored, not delivered.")
            .WithDescription($"Takes the body a source would send ({sources.Titles}). The source is " +
                $"`?source={string.Join("|", sources.Names)}`, or told from the body's shape when the query leaves it out " +
                $"({sources.Shapes}). " +
                "Answers with each alert as runbook templates see it (service, window, backends with links, exemplars and findings), " +
                "the rendered runbooks with any render errors, and the Slack payload (text + blocks). The backends are queried like " +
                "for a real alert. Authenticated by AlertLinker:Preview (Bearer or Basic); PagerDuty signatures and source " +
                "credentials are not checked here. Off (403) until AlertLinker:Preview is configured.")
            .AddOpenApiOperationTransformer((operation, context, cancellationToken) => DocumentBodyAsync(sources, operation, context, cancellationToken))
            .Produces<PreviewResponse>(StatusCodes.Status200OK)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        [FromQuery] string? source,
        IOptionsMonitor<PreviewOptions> options,
        IEnumerable<IAlertSource> registered,
        PreviewGate gate,
        NotificationProcessor processor,
        SlackMessageBuilder slack,
        IRunbookRenderer runbooks,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (Refusal(request, settings) is { } refused)
            return refused;
        var sources = new PreviewSources(registered);
        var named = source is null ? null : sources.Named(source);
        if (source is not null && named is null)
            return UnknownSource(sources, source);

        using var slot = gate.TryEnter();
        if (slot is null)
            return Busy(request, settings);

        var (body, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, PreviewOptions.SectionName + ":MaxBodyBytes", cancellationToken);
        if (problem is not null)
            return problem.ToProblem();

        var (preview, refusal) = await PreviewAsync(body!, named, sources, processor, slack, time, loggers, cancellationToken);
        return preview is null
            ? refusal!
            : TypedResults.Ok(preview with { TemplatesNotLoaded = runbooks.StaleBecause is { Count: > 0 } stale ? stale : null });
    }

    /// <summary>
    /// Null when the caller may preview; else the 403 (preview off) or 401 (with the challenges the configured
    /// credentials answer, so a browser asks for Basic credentials).
    /// </summary>
    internal static IResult? Refusal(HttpRequest request, PreviewOptions settings)
    {
        if (!settings.IsEnabled)
            return PreviewProblems.Disabled();
        if (WebhookAuth.IsAuthorized(request, settings))
            return null;
        var challenges = new List<string>();
        if (!string.IsNullOrEmpty(settings.BearerToken))
            challenges.Add("Bearer realm=\"AlertLinker preview\"");
        if (settings.BasicAuth.IsConfigured)
            challenges.Add("Basic realm=\"AlertLinker preview\", charset=\"UTF-8\"");
        if (challenges.Count > 0)
            request.HttpContext.Response.Headers.WWWAuthenticate = challenges.ToArray();
        return PreviewProblems.Unauthorized();
    }

    internal static IResult Busy(HttpRequest request, PreviewOptions settings)
    {
        request.HttpContext.Response.Headers.RetryAfter = "1";
        return PreviewProblems.Busy(settings.MaxConcurrent);
    }

    internal static IResult UnknownSource(PreviewSources sources, string source) =>
        SourceProblems.BadRequest($"Unknown source '{Shorten(source)}'; use one of {string.Join(", ", sources.Names)}, or leave ?source out to tell it from the body.").ToProblem();

    /// <summary>
    /// The preview of one body: parsed by <paramref name="named"/> or the source its shape tells, then completed,
    /// resolved, enriched and rendered by <paramref name="processor"/>; or the 400 of a body no source reads.
    /// </summary>
    internal static async Task<(PreviewResponse? Preview, IResult? Problem)> PreviewAsync(
        byte[] body,
        IAlertSource? named,
        PreviewSources sources,
        NotificationProcessor processor,
        SlackMessageBuilder slack,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var detected = named is null;
        var chosen = named ?? sources.Detect(body);
        if (chosen is null)
            return (null, SourceProblems.BadRequest(
                $"The body is not one a source sends (no {sources.ShapeProperties}); add ?source=<{string.Join("|", sources.Names)}>.").ToProblem());

        var name = chosen.Name;
        // No headers: a preview's own (its credentials, a copied X-Webhook-Id) are not the sender's.
        var parsed = chosen.Parse(body, new HeaderDictionary(), time.GetUtcNow());
        if (parsed.Error is { } error)
            return (null, SourceProblems.BadRequest(error).ToProblem());
        if (parsed.Notification is null)
            return (new PreviewResponse(name, detected, null, null, null, null, null, parsed.IgnoredBecause, [], null), null);

        // The processor completes the notification first (PagerDuty's details), as the delivery worker does.
        var enriched = await processor.EnrichAsync(parsed.Notification, cancellationToken);
        var notification = enriched.Notification;
        var message = slack.Build(enriched);
        LogPreviewed(loggers.CreateLogger(typeof(PreviewApi)), name, notification.Alerts.Count, enriched.Alerts.Sum(a => a.Runbooks.Count));
        return (new PreviewResponse(
            name,
            detected,
            notification.Event,
            notification.GroupKey,
            Status(notification.Status),
            notification.Kind == NotificationKind.Note ? "note" : "state_change",
            notification.Note,
            null,
            enriched.Alerts.Select(PreviewAlert.Of).ToList(),
            PreviewSlack.Of(message, notification))
        {
            Graph = enriched.Alerts.Select(a => a.Graph).OfType<AlertGraph>().Select(PreviewGraph.Of).FirstOrDefault(),
        }, null);
    }

    /// <summary>The body is any registered source's payload: documented as one of them.</summary>
    private static async Task DocumentBodyAsync(
        PreviewSources sources, OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = new OpenApiSchema { OneOf = [] };
        foreach (var type in sources.Payloads)
            schema.OneOf.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"A webhook body as {sources.Titles} send it.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }

    private static string Status(AlertStatus status) => status.ToString().ToLowerInvariant();

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information,
        Message = "Previewed a {Source} notification: {Alerts} alerts, {Runbooks} runbooks rendered; nothing stored or delivered")]
    private static partial void LogPreviewed(ILogger logger, string source, int alerts, int runbooks);
}

/// <summary>The preview of one webhook body.</summary>
/// <param name="Source">The source whose parser read the body.</param>
/// <param name="Detected">True when the source was told from the body's shape, false when the query named it.</param>
/// <param name="Kind"><c>state_change</c> (post or update the alert's message) or <c>note</c> (a reply in its thread, <paramref name="Note"/>).</param>
/// <param name="Ignored">Why the body carries nothing to deliver (a PagerDuty ping, an Opsgenie tag change); then no alerts.</param>
public sealed record PreviewResponse(
    string Source,
    bool Detected,
    string? Event,
    string? GroupKey,
    string? Status,
    string? Kind,
    string? Note,
    string? Ignored,
    IReadOnlyList<PreviewAlert> Alerts,
    PreviewSlack? Slack)
{
    /// <summary>
    /// Set when the runbook templates on disk do not load: each problem as file:line:col: reason. The runbooks above were
    /// then rendered with the last set that loaded, not with what is on disk.
    /// </summary>
    public IReadOnlyList<string>? TemplatesNotLoaded { get; init; }

    /// <summary>The alert's expression drawn over its window; null when the alert has none (or no Prometheus is configured).</summary>
    public PreviewGraph? Graph { get; init; }
}

/// <summary>One alert: <paramref name="Model"/> is exactly what runbook templates see (snake_case, see templates/README.md).</summary>
public sealed record PreviewAlert(IReadOnlyDictionary<string, object?> Model, IReadOnlyList<RenderedRunbook> Runbooks)
{
    internal static PreviewAlert Of(EnrichedAlert alert) =>
        new(RunbookModel.Plain(RunbookModel.Build(alert.Resolved, alert.Backends, alert.LogLinks)), alert.Runbooks);
}

/// <summary>
/// The alert's graph as bot mode would upload it into the message's thread: the PNG inline as a <c>data:</c> URL (so a
/// template author sees it too), its alt text and link; or the one-line note the message would carry instead.
/// </summary>
public sealed record PreviewGraph(string? Png, string AltText, string? Note, Uri? Link)
{
    internal static PreviewGraph Of(AlertGraph graph) => new(
        graph.Png is { } png ? "data:image/png;base64," + Convert.ToBase64String(png.Span) : null,
        graph.AltText,
        graph.Note,
        graph.Link);
}

/// <summary>
/// The Slack payload the sink would send in bot mode (channel aside): the fallback <c>text</c>, the header as top-level
/// <c>blocks</c> and the rest in the coloured <c>attachments</c>, and what was cut to fit.
/// </summary>
public sealed record PreviewSlack(string Text, JsonElement Blocks, JsonElement Attachments, IReadOnlyList<string> Cuts)
{
    /// <summary>
    /// What the sink posts in the message's thread (bot mode), in order: the detail reply (every finding, waterfall and
    /// runbook whole) when there is one, then the note (<c>kind: note</c>) or the state change as a reply to a message
    /// that showed the alert firing.
    /// </summary>
    public IReadOnlyList<PreviewReply> Thread { get; init; } = [];

    internal static PreviewSlack Of(SlackMessage message, AlertNotification notification)
    {
        var (blocks, attachments) = SlackLifecycle.Layout(message, notification);
        var thread = new List<PreviewReply>();
        if (message.Detail is { } detail)
            thread.Add(new(detail.Text, JsonSerializer.SerializeToElement(detail.Blocks, SlackJson.Options)));
        var reply = notification.Kind == NotificationKind.Note
            ? SlackLifecycle.NoteReply(notification)
            : SlackLifecycle.StateReply(AlertStatus.Firing, notification);
        if (reply is not null && SlackLifecycle.Reply("", "", reply) is var post)
            thread.Add(new(post.Text, JsonSerializer.SerializeToElement(post.Blocks, SlackJson.Options)));
        return new(message.Text,
            JsonSerializer.SerializeToElement(blocks, SlackJson.Options),
            JsonSerializer.SerializeToElement(attachments, SlackJson.Options),
            message.Cuts)
        {
            Thread = thread,
        };
    }
}

/// <summary>One reply in the message's thread: its fallback text and Block Kit blocks.</summary>
public sealed record PreviewReply(string Text, JsonElement Blocks);
