using AlertLinker.Actions;
using AlertLinker.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

public static class ActionStoreRegistration
{
    /// <summary>
    /// The <see cref="IActionGroupStore"/> of the store <c>AlertLinker:Storage:Provider</c> names: tables action_groups
    /// and action_claims in the SQLite file, or in the PostgreSQL database every replica shares (so a button posted by
    /// one replica works when another receives the click). Opened only when first resolved.
    /// </summary>
    public static IServiceCollection AddActionGroupStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.TryAddSingleton<SqliteActionGroupStore>();
        services.AddPostgresAlertStore();
        services.TryAddSingleton<PostgresActionGroupStore>();
        services.TryAddSingleton<IActionGroupStore>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Postgres
                ? sp.GetRequiredService<PostgresActionGroupStore>()
                : sp.GetRequiredService<SqliteActionGroupStore>());
        return services;
    }
}
