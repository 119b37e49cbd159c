using AlertLinker.Preview;
using Microsoft.Extensions.Options;

namespace AlertLinker.Playground;

/// <summary>
/// <c>GET /playground</c>: the runbook playground, one static page (HTML, CSS, JS embedded in the assembly: no build
/// step, no CDN, works offline) that renders alerts with edited templates through <c>POST /api/preview/render</c>.
/// Behind the preview's credentials (<c>AlertLinker:Preview</c>; open in Development), with a strict
/// Content-Security-Policy: the page shows alert text, which is untrusted.
/// </summary>
public static class PlaygroundApi
{
    public const string Route = "/playground";
    public const string SamplesRoute = Route + "/samples";

    /// <summary>
    /// Scripts and styles from the page's own origin only, never inline; images may come from anywhere over http(s)
    /// (a graph picture in a message); nothing may frame the page or post a form out of it.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static RouteGroupBuilder MapPlayground(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("Runbooks");
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // Behind credentials: no shared cache may keep it.
            headers.CacheControl = "no-store";
            var settings = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<PreviewOptions>>().CurrentValue;
            return PreviewApi.Refusal(context.HttpContext.Request, settings) ?? await next(context);
        });
        group.MapGet("", () => Asset("index.html")).ExcludeFromDescription();
        group.MapGet("/assets/{file}", (string file) => Asset(file)).ExcludeFromDescription();
        group.MapGet("/samples", (IEnumerable<IAlertSource> sources) =>
                TypedResults.Ok(new PlaygroundSamples(sources.Select(s => s.Name).ToList(), PlaygroundSample.All)))
            .WithName("PlaygroundSamples")
            .WithSummary("Sample webhook bodies for the playground, one or more per source.")
            .WithDescription("Bodies in each source's shape (written for the playground, not captures), and the registered " +
                "sources' names. Authenticated like POST /api/preview (AlertLinker:Preview).")
            .Produces<PlaygroundSamples>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["playground.css"] = "text/css; charset=utf-8",
        ["playground.js"] = "text/javascript; charset=utf-8",
    };

    private static IResult Asset(string file) =>
        ContentTypes.TryGetValue(file, out var type) && PlaygroundResources.Read("Assets." + file) is { } bytes
            ? TypedResults.Bytes(bytes, type)
            : TypedResults.Problem($"The playground has no asset '{(file.Length <= 40 ? file : file[..40] + "…")}'.",
                statusCode: StatusCodes.Status404NotFound, title: "Not found");
}

/// <summary>The registered sources and the sample bodies the page offers.</summary>
public sealed record PlaygroundSamples(IReadOnlyList<string> Sources, IReadOnlyList<PlaygroundSample> Samples);

/// <summary>One sample: <paramref name="Body"/> is the webhook body's JSON text, in <paramref name="Source"/>'s shape.</summary>
public sealed record PlaygroundSample(string Id, string Source, string Title, string Body)
{
    /// <summary>The first one is what the page renders on load.</summary>
    public static IReadOnlyList<PlaygroundSample> All { get; } =
    [
        Of("alertmanager-firing", "alertmanager", "Alertmanager: HighLatency on checkout, firing"),
        Of("alertmanager-resolved", "alertmanager", "Alertmanager: HighErrorRate on payments-api, resolved"),
        Of("grafana-firing", "grafana", "Grafana Alerting: error spans of POST /checkout, firing"),
        Of("pagerduty-triggered", "pagerduty", "PagerDuty V3: incident.triggered on payments-api"),
        Of("pagerduty-note", "pagerduty", "PagerDuty V3: incident.annotated (a note: a thread reply)"),
        Of("opsgenie-create", "opsgenie", "Opsgenie: Create, orders queue backlog"),
    ];

    private static PlaygroundSample Of(string id, string source, string title) =>
        new(id, source, title, System.Text.Encoding.UTF8.GetString(
            PlaygroundResources.Read($"Samples.{id}.json") ?? throw new InvalidOperationException($"The playground sample {id} is not embedded.")));
}

internal static class PlaygroundResources
{
    /// <summary>An embedded file of Playground/ (LogicalName <c>Playground.&lt;folder&gt;.&lt;file&gt;</c>, see AlertLinker.csproj).</summary>
    public static byte[]? Read(string name)
    {
        using var stream = typeof(PlaygroundResources).Assembly.GetManifestResourceStream("Playground." + name);
        if (stream is null)
            return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
