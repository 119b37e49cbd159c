using System.Text.Json;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>
/// V3 webhooks carry no custom details; with an API token configured this fetches them
/// (<c>alerts[].body.details</c>) so service, operation, tenant… can drive resolution. Called on the delivery side,
/// before resolving, never while PagerDuty waits for the webhook's answer. Best effort within a budget: a failure
/// costs the details, never the delivery.
/// </summary>
internal sealed partial class PagerDutyDetails(
    IPagerDutyRestApi api,
    IOptionsMonitor<PagerDutyOptions> options,
    TimeProvider time,
    ILogger<PagerDutyDetails> logger)
{
    /// <summary>More custom detail keys than this are cut: labels are for resolving, not for archiving.</summary>
    public const int MaxDetails = 64;

    private const int MaxKeyLength = 100;
    private const int MaxValueLength = 1000;

    public async Task<AlertNotification> AddDetailsAsync(AlertNotification notification, string incidentId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.FetchesDetails || notification.Kind != NotificationKind.StateChange)
            return notification;

        using var budget = new CancellationTokenSource(settings.DetailsBudget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        PagerDutyAlertList list;
        try
        {
            list = await api.ListIncidentAlertsAsync(incidentId, linked.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogDetailsFailed(incidentId, $"no answer within {settings.DetailsBudget.TotalSeconds:0.#} s");
            return notification;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong (HTTP status, refused connection, timeout, open circuit, a body that is not the
            // documented one) costs the details only. The reason names the kind, never a header or token.
            LogDetailsFailed(incidentId, ex switch
            {
                ApiException api => $"HTTP {(int)api.StatusCode}",
                ApiRequestException { InnerException: { } inner } => inner.GetType().Name,
                _ => ex.GetType().Name,
            });
            return notification;
        }

        var details = DetailsOf(list);
        if (details.Count == 0)
            return notification;
        var alerts = notification.Alerts.Select(alert => alert with { Labels = Merge(alert.Labels, details) }).ToList();
        return notification with { Alerts = alerts, CommonLabels = alerts[0].Labels };
    }

    /// <summary>Scalar custom details of every alert of the incident, first alert first; nested values are skipped.</summary>
    internal static Dictionary<string, string> DetailsOf(PagerDutyAlertList list)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var alert in list.Alerts ?? [])
        {
            if (alert?.Body?.Details is not { ValueKind: JsonValueKind.Object } element)
                continue;
            foreach (var property in element.EnumerateObject())
            {
                if (details.Count >= MaxDetails)
                    return details;
                if (property.Name.Length is 0 or > MaxKeyLength || details.ContainsKey(property.Name))
                    continue;
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(value))
                    details[property.Name] = value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";
            }
        }
        return details;
    }

    /// <summary>
    /// The webhook's own labels win, except <c>service</c>: a custom detail names the service the way the tracing
    /// backends know it, where PagerDuty's service is a human name ("API Service").
    /// </summary>
    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> labels, Dictionary<string, string> details)
    {
        var merged = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        foreach (var (key, value) in details)
        {
            if (key == "service" && merged.TryGetValue("service", out var pagerDutyService))
                merged["pagerduty_service"] = pagerDutyService;
            if (key == "service" || !merged.ContainsKey(key))
                merged[key] = value;
        }
        return merged;
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning,
        Message = "Could not fetch the custom details of PagerDuty incident {IncidentId} ({Reason}); delivering it without them")]
    private partial void LogDetailsFailed(string incidentId, string reason);
}
