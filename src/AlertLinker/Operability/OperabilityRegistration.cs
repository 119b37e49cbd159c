namespace AlertLinker.Operability;

public static class OperabilityRegistration
{
    // SKELETON
    public static IServiceCollection AddOperability(this IServiceCollection services) => services;

    public static WebApplication UseOperability(this WebApplication app) => app;

    public static IEndpointRouteBuilder MapOperability(this IEndpointRouteBuilder app) => app;
}
