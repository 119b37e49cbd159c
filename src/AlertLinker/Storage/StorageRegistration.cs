namespace AlertLinker.Storage;

public static class StorageRegistration
{
    // SKELETON: the SQLite store and the delivery worker register here.
    public static IServiceCollection AddAlertStore(this IServiceCollection services) => services;
}
