using System.Globalization;
using System.Net;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using Refit;

namespace AlertLinker.Backends;

/// <summary>Small helpers every HTTP backend needs: URL joining, query strings, reading answers, failing clearly.</summary>
internal static class BackendHttp
{
    /// <summary>JSON as the backends write it: camelCase, numbers sometimes as strings (OTLP's int64s).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// <paramref name="baseUrl"/> + <paramref name="path"/> (+ query), keeping a base path such as
    /// <c>https://host/jaeger/</c> (a plain <c>new Uri(base, "/search")</c> would drop it).
    /// </summary>
    public static Uri Join(Uri baseUrl, string path, IEnumerable<KeyValuePair<string, string?>>? query = null)
    {
        var builder = new StringBuilder(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        builder.Append('/').Append(path.TrimStart('/'));
        if (query is not null)
        {
            var separator = '?';
            foreach (var (key, value) in query)
            {
                if (value is null)
                    continue;
                builder.Append(separator).Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }
        return new Uri(builder.ToString());
    }

    /// <summary>
    /// Sends through Refit and rethrows what really happened: Refit wraps transport failures in
    /// ApiRequestException, which would hide a Polly TimeoutRejectedException (a timeout) or an HttpRequestException
    /// (connection refused) from the enricher that tells those apart. Cancellation passes through untouched.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (ApiRequestException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The exception for an answer we cannot use. It names the backend, the route and the status, never the host,
    /// the query string or headers (they may carry tenants or credentials), and at most a short start of the body.
    /// </summary>
    public static HttpRequestException Unexpected(string backend, string route, HttpResponseMessage response, string body) =>
        new($"{backend}: {route} answered {(int)response.StatusCode} {response.ReasonPhrase}{Excerpt(body)}",
            inner: null, response.StatusCode);

    public static HttpRequestException Unreadable(string backend, string route, Exception inner) =>
        new($"{backend}: {route} answered a body that is not the expected JSON ({inner.Message})", inner);

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static string Excerpt(string body)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0)
            return "";
        return ": " + (trimmed.Length <= 200 ? trimmed : trimmed[..200] + "…");
    }
}
