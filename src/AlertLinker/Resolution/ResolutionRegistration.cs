using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Resolution;

public static class ResolutionRegistration
{
    public static IServiceCollection AddAlertResolution(this IServiceCollection services)
    {
        services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceOptions>, ServiceOptionsValidator>());
        services.AddOptions<WindowOptions>().BindConfiguration(WindowOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WindowOptions>, WindowOptionsValidator>());
        services.AddSingleton<AlertResolver>();
        return services;
    }
}
