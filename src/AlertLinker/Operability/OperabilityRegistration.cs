using AlertLinker.Runbooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace AlertLinker.Operability;

public static class OperabilityRegistration
{
    public static IServiceCollection AddOperability(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<AlertLinkerMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AlertLinkerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
            .AddPrometheusExporter());
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<RunbooksHealthCheck>("runbooks", tags: ["ready"]);
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "AlertLinker";
            document.Info.Description = "Alert webhooks in; Slack messages with trace links, exemplar traces and runbooks out.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication UseOperability(this WebApplication app)
    {
        // Anything unexpected becomes problem+json without internals; handlers answer 4xx for bad input themselves.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapOperability(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "AlertLinker v1");
            options.RoutePrefix = "swagger";
        });
        return app;
    }
}

internal sealed class StoreHealthCheck(IAlertStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the alert store does not answer");
}

internal sealed class RunbooksHealthCheck(IRunbookRenderer runbooks) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runbooks.IsReady
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("runbook templates are not loaded"));
}
