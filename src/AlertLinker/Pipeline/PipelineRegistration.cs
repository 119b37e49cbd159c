namespace AlertLinker.Pipeline;

public static class PipelineRegistration
{
    // SKELETON
    public static IServiceCollection AddAlertPipeline(this IServiceCollection services) => services;
}
