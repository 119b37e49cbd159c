namespace AlertLinker.Sources.Grafana;

internal static class GrafanaRegistration
{
    /// <summary>The Grafana Alerting webhook and <c>AlertLinker:Sources:Grafana</c>.</summary>
    public static IServiceCollection AddGrafanaSource(this IServiceCollection services)
    {
        services.AddWebhookSource<GrafanaAlertSource, GrafanaOptions>(GrafanaParser.SourceName, GrafanaOptions.SectionName);
        return services;
    }
}
