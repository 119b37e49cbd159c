namespace AlertLinker.Sources.Alertmanager;

internal static class AlertmanagerRegistration
{
    /// <summary>The Alertmanager webhook and <c>AlertLinker:Sources:Alertmanager</c>.</summary>
    public static IServiceCollection AddAlertmanagerSource(this IServiceCollection services)
    {
        services.AddWebhookSource<AlertmanagerAlertSource, AlertmanagerOptions>(AlertmanagerParser.SourceName, AlertmanagerOptions.SectionName);
        return services;
    }
}
