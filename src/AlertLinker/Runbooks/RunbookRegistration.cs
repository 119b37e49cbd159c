namespace AlertLinker.Runbooks;

public static class RunbookRegistration
{
    // SKELETON: the Scriban runbook renderer registers here.
    public static IServiceCollection AddRunbooks(this IServiceCollection services) => services;
}
