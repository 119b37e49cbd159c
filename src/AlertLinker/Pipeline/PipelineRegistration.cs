using AlertLinker.Backends;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// The delivery worker (<c>AlertLinker:Delivery</c>): claims the store's due work and runs it through the
    /// registered <see cref="INotificationProcessor"/>; its wake-up signal, heard by whoever accepts as an
    /// <see cref="IAcceptListener"/>. Needs an <see cref="IAlertStore"/>.
    /// </summary>
    public static IServiceCollection AddDeliveryWorker(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton<DeliverySignal>();
        // Whoever accepts tells the listeners; this one wakes the worker.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAcceptListener, DeliverySignal>(sp => sp.GetRequiredService<DeliverySignal>()));
        services.AddHostedService<DeliveryWorker>();
        services.AddMetrics();
        services.AddHostedService<BacklogGauges>();
        return services;
    }
}
