using AlertLinker.Slack;
using AlertLinker.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The store <c>AlertLinker:Storage:Provider</c> names (SQLite by default, or PostgreSQL) as <see cref="IAlertStore"/> and as the Slack sink's message
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
        services.AddPostgresAlertStore();
        services.TryAddSingleton<IAlertStore>(Provided<IAlertStore>);
        // Not TryAdd: replaces the in-memory fallback AddSlack registers when it runs first.
        services.AddSingleton<ISlackMessageStore>(Provided<ISlackMessageStore>);
        services.AddSingleton<ISlackStormStore>(Provided<ISlackStormStore>);
        return services;
    }

    /// <summary>The store <c>AlertLinker:Storage:Provider</c> names; only that one is ever opened.</summary>
    private static T Provided<T>(IServiceProvider services) where T : class =>
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Postgres
            ? services.GetRequiredService<PostgresAlertStore>() as T ?? throw new InvalidOperationException(typeof(T).Name)
            : services.GetRequiredService<SqliteAlertStore>() as T ?? throw new InvalidOperationException(typeof(T).Name);
}
