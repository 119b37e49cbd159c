using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Alertmanager;

/// <summary>Alertmanager's webhook (version 4): Bearer or Basic auth, the alerts as they are.</summary>
internal sealed class AlertmanagerAlertSource(IOptionsMonitor<AlertmanagerOptions> options) : IAlertSource
{
    public string Name => AlertmanagerParser.SourceName;

    public WebhookDocs Docs { get; } = new()
    {
        OperationId = "AlertmanagerWebhook",
        Title = "Alertmanager",
        Summary = "Receives an Alertmanager webhook (version 4).",
        Description = "Stores the alerts durably and answers 202; delivery to Slack happens in the background. " +
            "Repeated deliveries (retries, HA peers) are acknowledged and not delivered again.",
        Payload = typeof(AlertmanagerPayload),
        ShapeProperty = "alerts",
        Shape = "`alerts`",
    };

    public int MaxBodyBytes => options.CurrentValue.MaxBodyBytes;

    public WebhookRejection? Authorize(HttpRequest request) =>
        WebhookAuth.Check(request, options.CurrentValue, Name);

    public WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt) =>
        AlertmanagerParser.Parse(body, receivedAt);

    /// <summary>Any body with <c>alerts</c>; a body that is not a JSON object comes here too, and the parser says what is wrong.</summary>
    public ShapeMatch MatchShape(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? ShapeMatch.Fallback
        : WebhookJson.Has(root, "alerts") ? ShapeMatch.Shared
        : ShapeMatch.None;
}
