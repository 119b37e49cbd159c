namespace AlertLinker.Pipeline;

public static class PipelineRegistration
{
    public static IServiceCollection AddAlertPipeline(this IServiceCollection services)
    {
        services.AddOptions<EnrichmentOptions>()
            .BindConfiguration(EnrichmentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Enricher>();
        services.AddSingleton<NotificationProcessor>();
        services.AddSingleton<INotificationProcessor>(sp => sp.GetRequiredService<NotificationProcessor>());
        return services;
    }
}
