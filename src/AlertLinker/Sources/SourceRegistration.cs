namespace AlertLinker.Sources;

public static class SourceRegistration
{
    // SKELETON
    public static IServiceCollection AddSources(this IServiceCollection services) => services;
}
