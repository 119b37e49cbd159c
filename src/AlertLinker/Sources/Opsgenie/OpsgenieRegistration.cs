namespace AlertLinker.Sources.Opsgenie;

internal static class OpsgenieRegistration
{
    /// <summary>The Opsgenie webhook and <c>AlertLinker:Sources:Opsgenie</c>.</summary>
    public static IServiceCollection AddOpsgenieSource(this IServiceCollection services)
    {
        services.AddWebhookSource<OpsgenieAlertSource, OpsgenieOptions>(OpsgenieParser.SourceName, OpsgenieOptions.SectionName)
            .Validate(o => o.HeaderIsConsistent, $"{OpsgenieOptions.SectionName}:HeaderName and HeaderValue must be set together.");
        return services;
    }
}
