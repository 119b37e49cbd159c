using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AlertLinker.Operability;

/// <summary>
/// <c>GET /healthz</c> (liveness: the process answers) and <c>GET /readyz</c> (readiness: every check tagged
/// <see cref="ReadyTag"/>, each with its status and reason, as JSON). Route handlers rather than MapHealthChecks, so
/// both appear in the OpenAPI document with their answers.
/// </summary>
public static class HealthApi
{
    public const string LivenessRoute = "/healthz";
    public const string ReadinessRoute = "/readyz";

    /// <summary>The tag of the health checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(LivenessRoute, Live)
            .WithName("Liveness")
            .WithTags("Health")
            .WithSummary("Liveness: answers 200 \"Healthy\" while the process can serve requests; runs no checks.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        app.MapGet(ReadinessRoute, ReadyAsync)
            .WithName("Readiness")
            .WithTags("Health")
            .WithSummary("Readiness: runs every readiness check (the store, the runbook templates, …) and says each one's status and reason.")
            .WithDescription("200 when no check is unhealthy (degraded counts as ready), 503 otherwise; the body is the same JSON either way.")
            .Produces<ReadinessReport>(StatusCodes.Status200OK)
            .Produces<ReadinessReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static ContentHttpResult Live(HttpResponse response)
    {
        DoNotCache(response);
        return TypedResults.Text("Healthy");
    }

    private static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> ReadyAsync(
        HealthCheckService health,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken);
        var body = ReadinessReport.Of(report);
        DoNotCache(response);
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(body);
    }

    // A probe must see the answer of now, never a proxy's copy.
    private static void DoNotCache(HttpResponse response) => response.Headers.CacheControl = "no-store, no-cache";
}

/// <summary>The answer of <c>/readyz</c>.</summary>
/// <param name="Status"><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>: the worst of the checks.</param>
public sealed record ReadinessReport(string Status, double DurationMs, IReadOnlyList<ReadinessCheck> Checks)
{
    internal static ReadinessReport Of(HealthReport report) =>
        new(Word(report.Status),
            Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            report.Entries
                .Select(entry => new ReadinessCheck(
                    entry.Key,
                    Word(entry.Value.Status),
                    entry.Value.Description ?? entry.Value.Exception?.Message,
                    Math.Round(entry.Value.Duration.TotalMilliseconds, 1)))
                .ToList());

    internal static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>One readiness check.</summary>
/// <param name="Reason">Why it is not healthy (or what it found), in words; null when it has nothing to say.</param>
public sealed record ReadinessCheck(string Name, string Status, string? Reason, double DurationMs);
