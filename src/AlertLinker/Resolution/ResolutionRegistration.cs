namespace AlertLinker.Resolution;

public static class ResolutionRegistration
{
    // SKELETON
    public static IServiceCollection AddAlertResolution(this IServiceCollection services) => services;
}
