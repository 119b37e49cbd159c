namespace AlertLinker.Sources.Alertmanager;

/// <summary><c>AlertLinker:Sources:Alertmanager</c>.</summary>
public sealed class AlertmanagerOptions : WebhookSourceOptions
{
    public const string SectionName = "AlertLinker:Sources:Alertmanager";
}
