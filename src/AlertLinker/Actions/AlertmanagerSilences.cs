using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Actions;

/// <summary>
/// Alertmanager API v2 silences (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml):
/// <c>POST api/v2/silences</c> creates one and answers <c>{"silenceID": "…"}</c> (Grafana's Alertmanager, under
/// <c>/api/alertmanager/grafana</c>, has answered <c>{"id": …}</c>); <c>DELETE api/v2/silence/{id}</c> expires it.
/// Creating on one peer of an HA pair is enough (they gossip), so the next URL is tried only when one is down.
/// </summary>
internal sealed class AlertmanagerSilences(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = "actions-alertmanager";

    private const string Api = "Alertmanager";

    public async Task<SourceCall> CreateAsync(
        IReadOnlyList<Uri> apiUrls, string? bearerToken, NewSilence silence, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(ClientName);
        SourceCall? last = null;
        foreach (var apiUrl in apiUrls)
        {
            var url = new Uri(apiUrl, "api/v2/silences");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(silence, options: Json) };
                Authorize(request, bearerToken);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var created = await response.Content.ReadFromJsonAsync<CreatedSilence>(Json, cancellationToken);
                    var id = created?.SilenceId ?? created?.Id?.ToString();
                    return string.IsNullOrEmpty(id)
                        ? SourceCall.Failed($"{Api} at {apiUrl.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode} without a silence id")
                        : SourceCall.Done(id, apiUrl);
                }
                last = await SourceCall.FromErrorAsync(Api, response, cancellationToken);
                if (!SourceCall.TryNext(response.StatusCode))
                    return last;
            }
            catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken))
            {
                last = SourceCall.Unreachable(Api, url, exception);
            }
            catch (JsonException exception)
            {
                return SourceCall.Failed($"{Api} at {apiUrl.GetLeftPart(UriPartial.Authority)} answered with unreadable JSON ({exception.Message})");
            }
        }
        return last ?? SourceCall.Failed($"no {Api} is configured");
    }

    /// <summary>Expires the silence on the Alertmanager that holds it (its peers learn it by gossip).</summary>
    public async Task<SourceCall> ExpireAsync(Uri apiUrl, string? bearerToken, string silenceId, CancellationToken cancellationToken)
    {
        var url = new Uri(apiUrl, "api/v2/silence/" + Uri.EscapeDataString(silenceId));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, url);
            Authorize(request, bearerToken);
            using var response = await httpClientFactory.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? SourceCall.Done(silenceId, apiUrl) : await SourceCall.FromErrorAsync(Api, response, cancellationToken);
        }
        catch (Exception exception) when (SourceCall.IsTransport(exception, cancellationToken))
        {
            return SourceCall.Unreachable(Api, url, exception);
        }
    }

    private static void Authorize(HttpRequestMessage request, string? bearerToken)
    {
        if (!string.IsNullOrEmpty(bearerToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record CreatedSilence(string? SilenceId, JsonElement? Id);
}

/// <summary>The body of <c>POST /api/v2/silences</c> (postableSilence); with <see cref="Id"/>, it updates that silence.</summary>
internal sealed record NewSilence(
    IReadOnlyList<SilenceMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    string? Id = null);

/// <summary>An exact, equal matcher: a silence from a button never matches by regex.</summary>
internal sealed record SilenceMatcher(string Name, string Value, bool IsRegex = false, bool IsEqual = true);
