using Microsoft.Extensions.Options;

namespace AlertLinker.Preview;

public static partial class PreviewRegistration
{
    /// <summary><c>POST /api/preview</c>'s options (<c>AlertLinker:Preview</c>, checked at start-up) and its concurrency gate.</summary>
    public static IServiceCollection AddPreview(this IServiceCollection services)
    {
        services.AddOptions<PreviewOptions>()
            .BindConfiguration(PreviewOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !(string.IsNullOrEmpty(o.BasicAuth.Username) ^ string.IsNullOrEmpty(o.BasicAuth.Password)),
                $"{PreviewOptions.SectionName}:BasicAuth needs both Username and Password.")
            .ValidateOnStart();
        services.AddSingleton<PreviewGate>();
        services.AddHostedService<PreviewAuthCheck>();
        return services;
    }

    /// <summary>Says at start-up whether the preview is open, protected or off.</summary>
    private sealed partial class PreviewAuthCheck(IOptions<PreviewOptions> options, ILogger<PreviewAuthCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var preview = options.Value;
            if (preview.AcceptsAnonymous)
                LogAnonymous(PreviewOptions.SectionName);
            else if (!preview.HasCredentials)
                LogDisabled(PreviewOptions.SectionName);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
            Message = "POST /api/preview accepts unauthenticated calls ({Section}:AllowAnonymous is true) and queries the backends for them; set a BearerToken or BasicAuth outside your own machine")]
        private partial void LogAnonymous(string section);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Information,
            Message = "POST /api/preview is off (403); set {Section}:BearerToken, BasicAuth or AllowAnonymous to use it")]
        private partial void LogDisabled(string section);
    }
}
