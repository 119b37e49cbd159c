using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertLinker.Pipeline;
using AlertLinker.Runbooks;
using AlertLinker.Slack;
using AlertLinker.Sources;
using Microsoft.Extensions.Options;

namespace AlertLinker.Preview;

/// <summary>
/// The preview with an override set of templates, for the runbook playground: <c>GET /api/preview/templates</c> (the
/// loaded set's texts) and <c>POST /api/preview/render</c> (a body rendered with some template texts replaced in
/// memory). Same credentials, concurrency limit and sandbox as <c>POST /api/preview</c>; nothing is written to disk.
/// </summary>
public static partial class PreviewRenderApi
{
    public const string TemplatesRoute = "/api/preview/templates";
    public const string RenderRoute = "/api/preview/render";

    /// <summary>Template texts one render may replace or add.</summary>
    public const int MaxOverrides = 64;

    private static readonly ObjectFactory<NotificationProcessor> ProcessorWith =
        ActivatorUtilities.CreateFactory<NotificationProcessor>([typeof(IRunbookRenderer)]);

    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web) { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapPreviewRender(this IEndpointRouteBuilder app)
    {
        var sources = new PreviewSources(app.ServiceProvider.GetServices<IAlertSource>());
        app.MapGet(TemplatesRoute, Templates)
            .WithName("PreviewTemplates")
            .WithTags("Runbooks")
            .WithSummary("Lists the loaded runbook templates with their text, as the playground edits them.")
            .WithDescription("Every file of the runbook folder as loaded (runbooks and `_` partials), the folder as configured " +
                "(AlertLinker:Runbooks:Directory) and the `templates check` command that checks it. Authenticated like " +
                "POST /api/preview (AlertLinker:Preview); off (403) until that is configured.")
            .Produces<PreviewTemplates>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapPost(RenderRoute, RenderAsync)
            .WithName("PreviewRender")
            .WithTags("Runbooks")
            .WithSummary("Previews a webhook body rendered with some runbook templates replaced: the playground's render.")
            .WithDescription("The preview of POST /api/preview, with `templates` (file name → template text) in place of, or " +
                "beside, the loaded files, in memory only: nothing is written to the runbook folder. `body` is the webhook body " +
                $"as {sources.Titles} send it (a JSON value, or its text as a string); `source` ({string.Join("|", sources.Names)}) " +
                "is told from the body's shape when left out. Answers with the preview and `problems`: each template that did not " +
                "parse or failed to render, with its file, line and column. Same sandbox limits as the service " +
                "(AlertLinker:Runbooks) and the same limit of previews at once (429). At most " +
                $"{MaxOverrides} templates; the whole request at most AlertLinker:Preview:MaxBodyBytes.")
            .Accepts<PreviewRenderRequest>("application/json")
            .Produces<PreviewRenderResponse>(StatusCodes.Status200OK)
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static IResult Templates(HttpRequest request, IOptionsMonitor<PreviewOptions> options, RunbookWorkbench workbench, IRunbookRenderer runbooks)
    {
        if (PreviewApi.Refusal(request, options.CurrentValue) is { } refused)
            return refused;
        var directory = workbench.ConfiguredDirectory;
        return TypedResults.Ok(new PreviewTemplates(directory, "AlertLinker templates check " + ShellWord(directory), workbench.Files())
        {
            TemplatesNotLoaded = runbooks.StaleBecause is { Count: > 0 } stale ? stale : null,
        });
    }

    private static async Task<IResult> RenderAsync(
        HttpRequest request,
        IOptionsMonitor<PreviewOptions> options,
        IEnumerable<IAlertSource> registered,
        PreviewGate gate,
        RunbookWorkbench workbench,
        IServiceProvider services,
        SlackMessageBuilder slack,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (PreviewApi.Refusal(request, settings) is { } refused)
            return refused;
        using var slot = gate.TryEnter();
        if (slot is null)
            return PreviewApi.Busy(request, settings);

        var (raw, problem) = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, PreviewOptions.SectionName + ":MaxBodyBytes", cancellationToken);
        if (problem is not null)
            return problem.ToProblem();
        var (parsed, invalid) = Read(raw!);
        if (invalid is not null)
            return BadRequest(invalid);

        var sources = new PreviewSources(registered);
        var named = parsed!.Source is { } source ? sources.Named(source) : null;
        if (parsed.Source is not null && named is null)
            return PreviewApi.UnknownSource(sources, parsed.Source);

        var (renderer, problems) = workbench.With(parsed.Templates);
        var processor = ProcessorWith(services, [renderer]);
        var (preview, refusal) = await PreviewApi.PreviewAsync(parsed.Body, named, sources, processor, slack, time, loggers, cancellationToken);
        if (preview is null)
            return refusal!;
        var renderProblems = preview.Alerts
            .SelectMany(alert => alert.Runbooks)
            .Where(runbook => runbook.Error is not null)
            .Select(runbook => RunbookProblem.Parse(runbook.Error!))
            .Distinct();
        return TypedResults.Ok(new PreviewRenderResponse(preview, [.. problems, .. renderProblems]));
    }

    private sealed record Parsed(byte[] Body, string? Source, IReadOnlyDictionary<string, string> Templates);

    /// <summary>The request, or what is wrong with it (each reason names the member).</summary>
    private static (Parsed? Request, string? Invalid) Read(byte[] raw)
    {
        PreviewRenderRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<PreviewRenderRequest>(raw, RequestJson);
        }
        catch (JsonException e)
        {
            return (null, $"The request is not a JSON object of body, source and templates: {e.Message}");
        }
        if (request is null)
            return (null, "The request is JSON null; send {\"body\": …, \"templates\": {…}}.");

        byte[] body;
        switch (request.Body.ValueKind)
        {
            case JsonValueKind.String:
                body = Encoding.UTF8.GetBytes(request.Body.GetString()!);
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                body = Encoding.UTF8.GetBytes(request.Body.GetRawText());
                break;
            default:
                return (null, "body is missing: give the webhook body as a JSON value or as its text in a string.");
        }
        if (body.Length == 0)
            return (null, "body is an empty string: give the webhook body a source sends.");

        var templates = request.Templates ?? [];
        if (templates.Count > MaxOverrides)
            return (null, $"templates has {templates.Count} files; at most {MaxOverrides} may be replaced at once.");
        foreach (var (file, text) in templates)
        {
            if (!FileName().IsMatch(file) || file.Contains("..", StringComparison.Ordinal))
                return (null, $"templates: '{Shorten(file)}' is not a template file name: letters, digits, '_', '-' and '.', ending in {RunbookLoader.Extension} (a partial starts with '{RunbookLoader.PartialPrefix}'), no folders.");
            if (text is null)
                return (null, $"templates: '{file}' has no text; give the whole file, front matter included.");
        }
        return (new Parsed(body, request.Source, templates), null);
    }

    private static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The render request is invalid");

    /// <summary>The folder as one shell word, quoted only when it needs to be.</summary>
    private static string ShellWord(string value) =>
        PlainWord().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}\.sbn$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();

    [GeneratedRegex(@"^[A-Za-z0-9_./\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainWord();
}

/// <summary>A playground render: a webhook body, and template texts in place of (or beside) the loaded files.</summary>
/// <param name="Body">The webhook body: a JSON value, or the body's text as a string (pasted as it is).</param>
/// <param name="Source">The source whose parser reads the body; told from the body's shape when null.</param>
/// <param name="Templates">File name (<c>latency.sbn</c>, <c>_lib.sbn</c>) → the whole file's text, front matter included.</param>
public sealed record PreviewRenderRequest(JsonElement Body, string? Source, Dictionary<string, string>? Templates);

/// <summary>The preview, and every template of the set that did not parse or failed to render, with where.</summary>
public sealed record PreviewRenderResponse(PreviewResponse Preview, IReadOnlyList<RunbookProblem> Problems);

/// <summary>The loaded runbook set: the folder as configured, the command that checks it, and every file's text.</summary>
public sealed record PreviewTemplates(string Directory, string CheckCommand, IReadOnlyList<RunbookFile> Files)
{
    /// <summary>Set when the files on disk no longer load: the set above is the last one that did (file:line:col each).</summary>
    public IReadOnlyList<string>? TemplatesNotLoaded { get; init; }
}
