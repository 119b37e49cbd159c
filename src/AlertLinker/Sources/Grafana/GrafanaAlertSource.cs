using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AlertLinker.Sources.Grafana;

/// <summary>Grafana Alerting's webhook contact point (version 1): Bearer or Basic auth, and its HMAC when a secret is set.</summary>
internal sealed class GrafanaAlertSource(IOptionsMonitor<GrafanaOptions> options) : IAlertSource
{
    public string Name => GrafanaParser.SourceName;

    public WebhookDocs Docs { get; } = new()
    {
        OperationId = "GrafanaWebhook",
        Title = "Grafana Alerting",
        Summary = "Receives a Grafana Alerting webhook contact point notification (version 1).",
        Description = "Bearer or Basic auth, and the contact point's HMAC signature when a signing secret is configured. " +
            "Stores the alerts with their values and dashboard/panel/silence/image links and answers 202; repeated deliveries are not delivered again.",
        Payload = typeof(GrafanaPayload),
        ShapeProperty = "alerts",
        Shape = "`alerts` with version \"1\" or `orgId`",
    };

    public int MaxBodyBytes => options.CurrentValue.MaxBodyBytes;

    /// <summary>Bearer/Basic when configured, and the signature when a secret is: each configured check must pass.</summary>
    public WebhookRejection? Authorize(HttpRequest request) =>
        WebhookAuth.CheckBesideSignature(request, options.CurrentValue, Name);

    public WebhookRejection? Verify(HttpRequest request, byte[] body, DateTimeOffset now)
    {
        var settings = options.CurrentValue;
        return settings.VerifiesSignature && GrafanaSignature.Check(request, body, settings, now) is { } wrong
            ? SourceProblems.Unauthorized(Name, wrong, SourceProblems.Reasons.BadSignature)
            : null;
    }

    public WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt) =>
        GrafanaParser.Parse(body, receivedAt);

    /// <summary><c>alerts</c> with <c>version</c> "1" or an <c>orgId</c>: Alertmanager's shape, as Grafana sends it.</summary>
    public ShapeMatch MatchShape(JsonElement root)
    {
        if (!WebhookJson.Has(root, "alerts"))
            return ShapeMatch.None;
        // The raw text, not the decoded string: decoding "\ud800" throws (the parser then says what is wrong).
        var grafana = (root.TryGetProperty("version", out var version) && version.GetRawText() == $"\"{GrafanaParser.Version}\"")
            || WebhookJson.Has(root, "orgId");
        return grafana ? ShapeMatch.Marked : ShapeMatch.None;
    }
}
