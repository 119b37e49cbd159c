using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Sources.PagerDuty;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources;

public static partial class SourceRegistration
{
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddSingleton<WebhookIntake>();
        services.AddSourceOptions<AlertmanagerOptions>(AlertmanagerOptions.SectionName, "alertmanager");
        services.AddSourceOptions<GrafanaOptions>(GrafanaOptions.SectionName, GrafanaParser.SourceName);
        services.AddSourceOptions<OpsgenieOptions>(OpsgenieOptions.SectionName, OpsgenieParser.SourceName)
            .Validate(o => o.HeaderIsConsistent, $"{OpsgenieOptions.SectionName}:HeaderName and HeaderValue must be set together.");
        services.AddSourceOptions<PagerDutyOptions>(PagerDutyOptions.SectionName, PagerDutyParser.SourceName)
            .Validate(o => o.ApiUrl.Scheme is "http" or "https",
                $"{PagerDutyOptions.SectionName}:ApiUrl must be an absolute http(s) URL.");
        services.AddPagerDutyRestApi();
        return services;
    }

    private static OptionsBuilder<TOptions> AddSourceOptions<TOptions>(this IServiceCollection services, string section, string source)
        where TOptions : WebhookSourceOptions
    {
        var builder = services.AddOptions<TOptions>();
        builder
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .Validate(o => !(string.IsNullOrEmpty(o.BasicAuth.Username) ^ string.IsNullOrEmpty(o.BasicAuth.Password)),
                $"{section}:BasicAuth needs both Username and Password.")
            .ValidateOnStart();
        services.AddSingleton<IHostedService>(sp => new SourceAuthCheck(
            source, section, sp.GetRequiredService<IOptions<TOptions>>().Value, sp.GetRequiredService<ILogger<SourceAuthCheck>>()));
        return builder;
    }

    /// <summary>Says at start-up how each source authenticates, so an open endpoint is never a surprise.</summary>
    private sealed partial class SourceAuthCheck(string source, string section, WebhookSourceOptions options, ILogger<SourceAuthCheck> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.AllowAnonymous)
                LogAnonymous(source, section);
            else if (!options.HasCredentials)
                LogRefusingAll(source, section, options.CredentialKeys);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
            Message = "The {Source} webhook accepts unauthenticated calls ({Section}:AllowAnonymous is true); set a BearerToken or BasicAuth for production")]
        private partial void LogAnonymous(string source, string section);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
            Message = "The {Source} webhook has no credentials configured and will answer 401 to every call; under {Section} set {CredentialKeys}, or AllowAnonymous")]
        private partial void LogRefusingAll(string source, string section, string credentialKeys);
    }
}
