using System.Net;

namespace AlertLinker.Actions;

/// <summary>What a call to a source's API came to: done (with the silence id when one was made) or why not, in words for the person who clicked.</summary>
internal sealed record SourceCall(bool Ok, string? Reason = null, string? SilenceId = null, Uri? ApiUrl = null)
{
    public static SourceCall Done(string? silenceId = null, Uri? apiUrl = null) => new(true, null, silenceId, apiUrl);

    public static SourceCall Failed(string reason) => new(false, reason);

    private const int MaxBodyInReason = 300;

    /// <summary>"PagerDuty answered 400 Bad Request: Incident Already Resolved" — the answer's body, cut, never a header (secrets travel in headers).</summary>
    public static async Task<SourceCall> FromErrorAsync(string api, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        body = body.ReplaceLineEndings(" ").Trim();
        if (body.Length > MaxBodyInReason)
            body = body[..MaxBodyInReason] + "…";
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
        return Failed(body.Length > 0 ? $"{api} answered {status}: {body}" : $"{api} answered {status}");
    }

    /// <summary>Transport failures (refused, reset, DNS, timeout) as a reason; the URL's host only, never its query.</summary>
    public static SourceCall Unreachable(string api, Uri url, Exception exception) =>
        Failed(exception switch
        {
            TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException => $"{api} at {url.GetLeftPart(UriPartial.Authority)} did not answer in time",
            HttpRequestException { StatusCode: { } code } => $"{api} at {url.GetLeftPart(UriPartial.Authority)} answered {(int)code}",
            _ => $"{api} at {url.GetLeftPart(UriPartial.Authority)} is unreachable ({exception.GetBaseException().Message})",
        });

    public static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
        || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Worth trying the next Alertmanager of an HA pair: it is down or overloaded, not refusing the request.</summary>
    public static bool TryNext(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;
}
