using AlertLinker.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Actions;

public static class ActionsRegistration
{
    /// <summary>
    /// Acting from Slack: options (checked at start-up), the buttons the message builder appends
    /// (<see cref="IMessageActions"/>), the source API clients (one resilience pipeline, no request logging: the
    /// response_url and API paths carry tokens), the click queue and its worker, and a wrapper around the
    /// <see cref="IAlertSink"/> registered before this call that stores each group its buttons point to.
    /// Call after the sink's registration. Needs an <see cref="IActionGroupStore"/>.
    /// </summary>
    public static IServiceCollection AddActions(this IServiceCollection services)
    {
        services.AddOptions<ActionsOptions>()
            .BindConfiguration(ActionsOptions.SectionName)
            .Configure<IConfiguration>(ActionsOptions.Read)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionsOptions>, ActionsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RenderingGroups>();
        services.TryAddSingleton<ActionButtons>();
        services.TryAddSingleton<IMessageActions>(sp => sp.GetRequiredService<ActionButtons>());
        services.TryAddSingleton<AlertmanagerSilences>();
        services.TryAddSingleton<PagerDutyIncidents>();
        services.TryAddSingleton<OpsgenieAlerts>();
        services.TryAddSingleton<InteractionReplies>();
        services.TryAddSingleton<ClickHandler>();
        services.TryAddSingleton<InteractionQueue>();
        services.AddHostedService<InteractionWorker>();
        services.AddHostedService<ActionsModeLog>();

        foreach (var name in new[] { AlertmanagerSilences.ClientName, PagerDutyIncidents.ClientName, OpsgenieAlerts.ClientName })
        {
            services.AddHttpClient(name)
                .RemoveAllLoggers()
                .AddResilienceHandler(name, (pipeline, context) =>
                    OutboundResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<ActionsOptions>>().Value.Timeout));
        }
        services.AddHttpClient(InteractionReplies.ClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<ActionsOptions>>().Value.Timeout)
            .RemoveAllLoggers();

        if (services.LastOrDefault(d => d.ServiceType == typeof(IAlertSink) && !d.IsKeyedService) is { } sink)
        {
            services.Remove(sink);
            // Wrapped only where some source has actions: otherwise the sink never opens the action group store
            // (a SQLite file, which a PostgreSQL deployment on a read-only root filesystem has nowhere to put).
            services.AddSingleton<IAlertSink>(sp =>
            {
                var inner = Inner(sp, sink);
                return sp.GetRequiredService<IOptions<ActionsOptions>>().Value.EnabledSources.Count == 0
                    ? inner
                    : ActivatorUtilities.CreateInstance<ActionRegisteringSink>(sp, inner);
            });
        }
        return services;
    }

    private static IAlertSink Inner(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IAlertSink)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>Says at start-up which sources get action buttons, so a missing key shows in the first lines of the log.</summary>
internal sealed class ActionsModeLog(IOptions<ActionsOptions> options, ILogger<ActionsModeLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var sources = options.Value.EnabledSources;
        if (sources.Count == 0)
            ActionsLog.Disabled(logger);
        else
            ActionsLog.Enabled(logger, string.Join(", ", sources));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
