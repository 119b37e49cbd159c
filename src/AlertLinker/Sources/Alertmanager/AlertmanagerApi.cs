namespace AlertLinker.Sources.Alertmanager;

public static class AlertmanagerApi
{
    // SKELETON
    public static IEndpointRouteBuilder MapAlertmanagerWebhook(this IEndpointRouteBuilder app) => app;
}
