using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

public static class RunbookRegistration
{
    /// <summary>
    /// Scriban runbooks from <c>AlertLinker:Runbooks:Directory</c>. Templates are parsed during start-up validation:
    /// a broken one stops start-up with <c>file:line:col: reason</c>. Needs <see cref="Backends.BackendDirectory"/>
    /// (AddTraceBackends) for the trace-search helpers.
    /// </summary>
    public static IServiceCollection AddRunbooks(this IServiceCollection services)
    {
        services.AddOptions<RunbookOptions>()
            .BindConfiguration(RunbookOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunbookOptions>, RunbookOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunbookOptions>, RunbookTemplatesValidator>());
        services.TryAddSingleton<RunbookCatalog>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScribanRunbookRenderer>();
        services.TryAddSingleton<IRunbookRenderer>(sp => sp.GetRequiredService<ScribanRunbookRenderer>());
        services.TryAddSingleton<RunbookWorkbench>();
        services.AddHostedService<RunbookReloader>();
        return services;
    }
}
