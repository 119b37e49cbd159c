using System.Text.Json;
using AlertLinker.Sources;
using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Sources.PagerDuty;

namespace AlertLinker.Preview;

/// <summary>What a webhook body amounts to, parsed by its source's own parser: a notification, or why it carries none.</summary>
/// <param name="IncidentId">PagerDuty's incident, for the same REST details lookup the webhook does.</param>
internal sealed record PreviewParse(AlertNotification? Notification, string? IgnoredBecause, string? IncidentId);

/// <summary>Which source a body comes from (named, or told by its shape), and its parsing by that source's parser.</summary>
internal static class PreviewSources
{
    public static readonly IReadOnlyList<string> Names =
        [AlertmanagerParser.SourceName, GrafanaParser.SourceName, PagerDutyParser.SourceName, OpsgenieParser.SourceName];

    /// <summary>
    /// The source by the body's shape: PagerDuty V3 has <c>event</c> (V2 <c>messages</c>), Opsgenie <c>action</c> and
    /// <c>alert</c>, Grafana <c>alerts</c> with <c>version</c> "1" or <c>orgId</c>, Alertmanager <c>alerts</c> otherwise.
    /// A body that is not a JSON object goes to the Alertmanager parser, which says what is wrong with it.
    /// </summary>
    public static string? Detect(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = WebhookJson.Options.MaxDepth });
        }
        catch (JsonException)
        {
            return AlertmanagerParser.SourceName;
        }
        using (document)
        try
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return AlertmanagerParser.SourceName;
            if (Has(root, "event") || Has(root, "messages"))
                return PagerDutyParser.SourceName;
            if (Has(root, "action") && Has(root, "alert"))
                return OpsgenieParser.SourceName;
            if (!Has(root, "alerts"))
                return null;
            // The raw text, not the decoded string: decoding "\ud800" throws (the parser then says what is wrong).
            var grafana = (root.TryGetProperty("version", out var version) && version.GetRawText() == $"\"{GrafanaParser.Version}\"")
                || Has(root, "orgId");
            return grafana ? GrafanaParser.SourceName : AlertmanagerParser.SourceName;
        }
        catch (InvalidOperationException)
        {
            // A property name with an unpaired surrogate escape cannot be compared; the parser says what is wrong.
            return AlertmanagerParser.SourceName;
        }
    }

    /// <summary>Parses with the named source's parser; <paramref name="error"/> is its 400 message.</summary>
    public static PreviewParse? Parse(string source, byte[] body, OpsgenieOptions opsgenie, DateTimeOffset now, out string? error)
    {
        switch (source)
        {
            case AlertmanagerParser.SourceName:
                return AlertmanagerParser.TryParse(body, now, out var am, out error) ? new(am, null, null) : null;
            case GrafanaParser.SourceName:
                return GrafanaParser.TryParse(body, now, out var grafana, out error) ? new(grafana, null, null) : null;
            case PagerDutyParser.SourceName:
                return PagerDutyParser.TryParse(body, null, now, out var pd, out error)
                    ? new(pd.Notification, pd.IgnoredBecause, pd.IncidentId)
                    : null;
            case OpsgenieParser.SourceName:
                return OpsgenieParser.TryParse(body, opsgenie, now, out var og, out error)
                    ? new(og.Notification, og.IgnoredBecause, null)
                    : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, "not a source");
        }
    }

    private static bool Has(JsonElement root, string property) => root.TryGetProperty(property, out _);
}
