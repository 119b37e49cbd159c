namespace AlertLinker.Resolution;

public static class ResolutionRegistration
{
    public static IServiceCollection AddAlertResolution(this IServiceCollection services)
    {
        services.AddOptions<ServiceOptions>()
            .BindConfiguration(ServiceOptions.SectionName)
            .Validate(o => o.LabelPrecedence.All(l => !string.IsNullOrWhiteSpace(l)),
                $"{ServiceOptions.SectionName}:LabelPrecedence holds an empty label name.")
            .ValidateOnStart();
        services.AddOptions<WindowOptions>()
            .BindConfiguration(WindowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<AlertResolver>();
        return services;
    }
}
