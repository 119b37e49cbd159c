using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Sources.PagerDuty;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources;

public static partial class SourceRegistration
{
    /// <summary>
    /// The webhook sources, one line each, in the order the preview lists them. A new source is a folder with an
    /// <see cref="IAlertSource"/> and its <c>AddXxxSource()</c>, and one line here; <c>MapWebhooks</c> and the preview
    /// find it by its registration.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<WebhookRejections>();
        services.AddAlertmanagerSource();
        services.AddGrafanaSource();
        services.AddPagerDutySource();
        services.AddOpsgenieSource();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TSource"/> as an <see cref="IAlertSource"/> with its options bound from
    /// <paramref name="section"/> and checked at start-up, and a start-up line saying how it authenticates.
    /// <c>AllowAnonymous</c> defaults to true in Development (it applies only while no credentials are configured).
    /// </summary>
    internal static OptionsBuilder<TOptions> AddWebhookSource<TSource, TOptions>(this IServiceCollection services, string name, string section)
        where TSource : class, IAlertSource
        where TOptions : WebhookSourceOptions
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertSource, TSource>());
        var builder = services.AddOptions<TOptions>();
        builder
            .Configure<IHostEnvironment>((options, environment) => options.AllowAnonymous = environment.IsDevelopment())
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .Validate(o => !(string.IsNullOrEmpty(o.BasicAuth.Username) ^ string.IsNullOrEmpty(o.BasicAuth.Password)),
                $"{section}:BasicAuth needs both Username and Password.")
            .ValidateOnStart();
        services.AddSingleton<IHostedService>(sp => new SourceAuthCheck(
            name, section, sp.GetRequiredService<IOptions<TOptions>>().Value, sp.GetRequiredService<ILogger<SourceAuthCheck>>()));
        return builder;
    }

    /// <summary>Says at start-up how each source authenticates, so an open endpoint is never a surprise.</summary>
    private sealed partial class SourceAuthCheck(string source, string section, WebhookSourceOptions options, ILogger<SourceAuthCheck> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.AcceptsAnonymous)
                LogAnonymous(source, section);
            else if (!options.HasCredentials)
                LogRefusingAll(source, section, options.CredentialKeys);
            else if (options.AllowAnonymous)
                LogEnforced(source, section);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
            Message = "The {Source} webhook accepts unauthenticated calls ({Section}:AllowAnonymous is true); set a BearerToken or BasicAuth for production")]
        private partial void LogAnonymous(string source, string section);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
            Message = "The {Source} webhook has no credentials configured and will answer 401 to every call; under {Section} set {CredentialKeys}, or AllowAnonymous")]
        private partial void LogRefusingAll(string source, string section, string credentialKeys);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Information,
            Message = "The {Source} webhook enforces its configured credentials; {Section}:AllowAnonymous applies only while none are configured")]
        private partial void LogEnforced(string source, string section);
    }
}
