using System.Net.Http.Json;

namespace AlertLinker.Actions;

/// <summary>
/// Opsgenie Alert API v2 (https://docs.opsgenie.com/docs/alert-api): <c>POST /v2/alerts/{id}/acknowledge|close?identifierType=id</c>
/// with <c>Authorization: GenieKey …</c>. The answer is asynchronous (202 "Request will be processed"); Opsgenie's
/// own webhook then reports the change, as it would for a click in Opsgenie.
/// </summary>
internal sealed class OpsgenieAlerts(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = "actions-opsgenie";

    private const string Api = "Opsgenie";

    /// <param name="verb"><c>acknowledge</c> or <c>close</c>.</param>
    public async Task<SourceCall> ActAsync(Uri apiUrl, string apiKey, string alertId, string verb, string user, string note, CancellationToken cancellationToken)
    {
        var url = new Uri(apiUrl, $"v2/alerts/{Uri.EscapeDataString(alertId)}/{verb}?identifierType=id");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = JsonContent.Create(new { user, source = "AlertLinker", note }),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "GenieKey " + apiKey);
            using var response = await httpClientFactory.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? SourceCall.Done() : await SourceCall.FromErrorAsync(Api, response, cancellationToken);
        }
        catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken))
        {
            return SourceCall.Unreachable(Api, url, exception);
        }
    }
}
