using AlertLinker.Runbooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AlertLinker.Operability;

public static class OperabilityRegistration
{
    /// <summary>
    /// Logging defaults a person can read: one line per entry with a UTC timestamp, and the chatty categories of
    /// failing calls (Polly's resilience events, HttpClient's request lines) quiet, so a backend that is down is one
    /// warning line, not a stack trace. They sit below every other configuration source: appsettings, environment
    /// variables and arguments override any of them (<c>Logging__Console__FormatterName=json</c> for log pipelines).
    /// </summary>
    public static WebApplicationBuilder AddReadableLogs(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = LogDefaults,
        });
        // trace_id and span_id of the current span in every line's scope (JSON with IncludeScopes shows them).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Unless configured: the simple formatter needs the space before the level, JSON's timestamp is a value.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ ");
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ");
        return builder;
    }

    internal static readonly IReadOnlyDictionary<string, string?> LogDefaults = new Dictionary<string, string?>
    {
        // Named, or the console logger falls back to its deprecated options and drops these formatter options.
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // Polly logs every failed attempt and circuit change with the exception; the enricher's line says it once.
        ["Logging:LogLevel:Polly"] = "Critical",
    };

    public static IServiceCollection AddOperability(this IServiceCollection services, IConfiguration? configuration = null)
    {
        // Every stage that reads the clock asks for it with TryAdd: one registration, which a test may replace.
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<AlertLinkerMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TelemetryOptions.ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(AlertLinkerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
                .AddPrometheusExporter());
        if (configuration?.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() is { OtlpEndpoint: { } endpoint } tracing)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(AlertLinkerActivity.SourceName)
                // Probes and scrapes every few seconds would bury the alerts' traces.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = endpoint;
                    otlp.Protocol = tracing.OtlpProtocol == OtlpProtocol.HttpProtobuf
                        ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
                        : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                }));
        }
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [HealthApi.ReadyTag])
            .AddCheck<RunbooksHealthCheck>("runbooks", tags: [HealthApi.ReadyTag]);
        return services;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");

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
