using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage.Postgres;

internal static class PostgresRegistration
{
    /// <summary>
    /// The PostgreSQL store's options (bound from <c>AlertLinker:Storage</c>, checked at start-up only when the
    /// provider is Postgres) and the store itself, opened only when resolved, that is only for the Postgres provider.
    /// </summary>
    public static IServiceCollection AddPostgresAlertStore(this IServiceCollection services)
    {
        services.AddOptions<PostgresStorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        services.TryAddSingleton<PostgresAlertStore>();
        return services;
    }
}
