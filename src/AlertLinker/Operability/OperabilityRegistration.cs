using AlertLinker.Runbooks;
using AlertLinker.Storage;
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
            .AddCheck<StoreHealthCheck>("store", tags: [HealthApi.ReadyTag])
            .AddCheck<RunbooksHealthCheck>("runbooks", tags: [HealthApi.ReadyTag]);
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
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
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
