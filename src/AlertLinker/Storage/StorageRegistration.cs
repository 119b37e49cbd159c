using AlertLinker.Slack;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The SQLite store (<c>AlertLinker:Storage</c>) as <see cref="IAlertStore"/> and as the Slack sink's message
    /// store, and the pruning service.
    /// <para>
    /// Start-up order: options are validated first (ValidateOnStart); then the hosted services are built, and building
    /// the delivery worker (registered by the pipeline) opens the store, which creates the folder and the schema — so the first webhook pays nothing,
    /// and an unusable path stops start-up with a message naming the setting.
    /// </para>
    /// </summary>
    public static IServiceCollection AddAlertStore(this IServiceCollection services)
    {
        services.AddAlertStoreOnly();
        services.AddHostedService<StoreMaintenance>();
        return services;
    }

    /// <summary>The store without its background services: for the offline commands (<c>notifications list|retry</c>).</summary>
    internal static IServiceCollection AddAlertStoreOnly(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        services.TryAddSingleton<SqliteAlertStore>();
        services.TryAddSingleton<IAlertStore>(sp => sp.GetRequiredService<SqliteAlertStore>());
        // Not TryAdd: replaces the in-memory fallback AddSlack registers when it runs first.
        services.AddSingleton<ISlackMessageStore>(sp => sp.GetRequiredService<SqliteAlertStore>());
        return services;
    }
}
