using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AlertLinker.Actions;

/// <summary>
/// PagerDuty REST API v2, <c>PUT /incidents/{id}</c> (https://developer.pagerduty.com/api-reference/8a0e1aa2ec666-update-an-incident):
/// <c>Authorization: Token token=…</c>, the versioned Accept header, and <c>From</c> (a PagerDuty user's email,
/// required for writes). PagerDuty then sends its own V3 webhook, which the source already turns into a state change.
/// </summary>
internal sealed class PagerDutyIncidents(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = "actions-pagerduty";

    private const string Api = "PagerDuty";

    /// <param name="status"><c>acknowledged</c> or <c>resolved</c>.</param>
    public async Task<SourceCall> SetStatusAsync(Uri apiUrl, string apiToken, string fromEmail, string incidentId, string status, CancellationToken cancellationToken)
    {
        var url = new Uri(apiUrl, "incidents/" + Uri.EscapeDataString(incidentId));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, url)
            {
                Content = JsonContent.Create(new { incident = new { type = "incident_reference", status } }),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Token token=" + apiToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.pagerduty+json") { Parameters = { new NameValueHeaderValue("version", "2") } });
            request.Headers.TryAddWithoutValidation("From", fromEmail);
            using var response = await httpClientFactory.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? SourceCall.Done() : await SourceCall.FromErrorAsync(Api, response, cancellationToken);
        }
        catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken))
        {
            return SourceCall.Unreachable(Api, url, exception);
        }
    }
}
