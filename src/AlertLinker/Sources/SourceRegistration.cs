using AlertLinker.Sources.Alertmanager;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources;

public static partial class SourceRegistration
{
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddSingleton<WebhookIntake>();
        services.AddSourceOptions<AlertmanagerOptions>(AlertmanagerOptions.SectionName, "alertmanager");
        return services;
    }

    private static void AddSourceOptions<TOptions>(this IServiceCollection services, string section, string source)
        where TOptions : WebhookSourceOptions
    {
        services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .Validate(o => !(string.IsNullOrEmpty(o.BasicAuth.Username) ^ string.IsNullOrEmpty(o.BasicAuth.Password)),
                $"{section}:BasicAuth needs both Username and Password.")
            .ValidateOnStart();
        services.AddSingleton<IHostedService>(sp => new SourceAuthCheck(
            source, section, sp.GetRequiredService<IOptions<TOptions>>().Value, sp.GetRequiredService<ILogger<SourceAuthCheck>>()));
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
                LogRefusingAll(source, section);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
            Message = "The {Source} webhook accepts unauthenticated calls ({Section}:AllowAnonymous is true); set a BearerToken or BasicAuth for production")]
        private partial void LogAnonymous(string source, string section);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
            Message = "The {Source} webhook has no credentials configured and will answer 401 to every call; set {Section}:BearerToken, {Section}:BasicAuth, or AllowAnonymous")]
        private partial void LogRefusingAll(string source, string section);
    }
}
