using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AlertLinker.Sources.Alertmanager;

namespace AlertLinker.Sources.Grafana;

/// <summary>
/// Grafana Alerting webhook body → <see cref="AlertNotification"/>: the Alertmanager normalizer does the alerts,
/// this adds what Grafana knows beyond Alertmanager (values, dashboard/panel/silence/image links).
/// </summary>
internal static class GrafanaParser
{
    public const string SourceName = "grafana";

    public const string Version = "1";

    /// <summary>Values of one alert beyond this many are not shown.</summary>
    private const int MaxValues = 50;

    /// <summary>The body as a notification with Grafana's extras, or the reason it is invalid (the 400's detail).</summary>
    public static WebhookParse Parse(byte[] body, DateTimeOffset receivedAt)
    {
        // Two typed reads of one body: the shared Alertmanager shape, then Grafana's own fields.
        if (!WebhookJson.TryDeserialize<AlertmanagerPayload>(body, out var payload, out var error))
            return WebhookParse.Invalid(error);
        if (!WebhookJson.TryDeserialize<GrafanaPayload>(body, out var grafana, out error))
            return WebhookParse.Invalid(error);
        if (payload.Version is null)
            return WebhookParse.Invalid("$.version is missing; Grafana Alerting sends version \"1\".");
        if (!AlertmanagerParser.TryNormalize(payload, receivedAt, out var normalized, out error, SourceName, Version))
            return WebhookParse.Invalid(error);

        var extras = grafana.Alerts ?? [];
        var alerts = normalized.Alerts.Select((alert, i) => i < extras.Count && extras[i] is { } extra ? WithGrafana(alert, extra, grafana) : alert).ToList();
        return WebhookParse.Accepted(normalized with { Alerts = alerts });
    }

    private static Alert WithGrafana(Alert alert, GrafanaAlert extra, GrafanaPayload payload)
    {
        var annotations = new Dictionary<string, string>(alert.Annotations, StringComparer.Ordinal);
        if (FormatValues(extra.Values) is { } values)
            annotations.TryAdd("values", values);
        if (!string.IsNullOrWhiteSpace(extra.ValueString))
            annotations.TryAdd("value_string", extra.ValueString);
        if (!string.IsNullOrWhiteSpace(payload.Title))
            annotations.TryAdd("grafana_title", payload.Title);
        if (!string.IsNullOrWhiteSpace(payload.State))
            annotations.TryAdd("grafana_state", payload.State);

        var links = alert.Links.ToList();
        foreach (var (title, url) in new[]
                 {
                     ("Grafana dashboard", extra.DashboardUrl),
                     ("Grafana panel", extra.PanelUrl),
                     ("Silence", extra.SilenceUrl),
                     ("Alert image", extra.ImageUrl),
                 })
        {
            if (AlertLink.FromUntrusted(title, url) is { } link)
                links.Add(link);
        }
        return alert with { Annotations = annotations, Links = links };
    }

    /// <summary><c>A=2473545728, B=0</c> in refId order; null values (no data) read "null".</summary>
    internal static string? FormatValues(Dictionary<string, JsonElement>? values)
    {
        if (values is not { Count: > 0 })
            return null;
        var parts = values
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Take(MaxValues)
            .Select(v => v.Key + "=" + (v.Value.ValueKind switch
            {
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.Value.GetRawText(),
                JsonValueKind.String => v.Value.GetString(),
                JsonValueKind.Null => "null",
                _ => "…",
            }));
        return string.Join(", ", parts);
    }
}
