using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace AlertLinker.Sources;

/// <summary>Bearer and Basic checks for webhook sources, compared in constant time.</summary>
internal static class WebhookAuth
{
    public static bool IsAuthorized(HttpRequest request, WebhookSourceOptions options)
    {
        if (options.AllowAnonymous)
            return true;
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.Length == 0)
            return false;

        if (!string.IsNullOrEmpty(options.BearerToken)
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && FixedTimeEquals(header["Bearer ".Length..].Trim(), options.BearerToken))
            return true;

        if (options.BasicAuth.IsConfigured
            && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            && TryDecodeBasic(header["Basic ".Length..].Trim(), out var credentials))
        {
            var expected = options.BasicAuth.Username + ":" + options.BasicAuth.Password;
            return FixedTimeEquals(credentials, expected);
        }
        return false;
    }

    /// <summary>Compares hashes so neither the content nor the length of the secret leaks through timing.</summary>
    public static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static bool TryDecodeBasic(string encoded, out string credentials)
    {
        credentials = "";
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
            return false;
        credentials = Encoding.UTF8.GetString(buffer, 0, written);
        return true;
    }
}
