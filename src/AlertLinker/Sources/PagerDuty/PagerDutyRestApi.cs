using System.Net.Http.Headers;
using System.Text.Json;
using AlertLinker.Http;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>The one PagerDuty REST call we make (PagerDuty/api-schema openapiv3.json, List alerts for an incident).</summary>
internal interface IPagerDutyRestApi
{
    [Get("/incidents/{incidentId}/alerts?limit=25")]
    Task<PagerDutyAlertList> ListIncidentAlertsAsync(string incidentId, CancellationToken cancellationToken);
}

public sealed record PagerDutyAlertList
{
    public List<PagerDutyIncidentAlert?>? Alerts { get; init; }
}

public sealed record PagerDutyIncidentAlert
{
    public string? Id { get; init; }

    public PagerDutyAlertBody? Body { get; init; }
}

public sealed record PagerDutyAlertBody
{
    /// <summary>The event's custom details: usually an object, but PagerDuty accepts any JSON value there.</summary>
    public JsonElement? Details { get; init; }
}
