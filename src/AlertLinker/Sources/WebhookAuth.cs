using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace AlertLinker.Sources;

/// <summary>Bearer and Basic checks for webhook sources, compared in constant time.</summary>
internal static class WebhookAuth
{
    /// <summary>Null when the request passes <see cref="IsAuthorized"/>, else the 401 to answer.</summary>
    public static WebhookRejection? Check(HttpRequest request, WebhookSourceOptions options, string source) =>
        IsAuthorized(request, options) ? null : Refusal(options, source);

    /// <summary>The 401 of a request without the right credentials: counted apart when none are configured at all.</summary>
    public static WebhookRejection Refusal(WebhookSourceOptions options, string source) =>
        SourceProblems.Unauthorized(source,
            options.HasCredentials ? SourceProblems.Reasons.Unauthorized : SourceProblems.Reasons.NoCredentialsConfigured);

    /// <summary>
    /// For a source that signs its bodies: Bearer/Basic are optional there, and required when configured (the
    /// signature is checked after the body is read). <paramref name="noneConfigured"/> is the 401 while nothing is.
    /// </summary>
    public static WebhookRejection? CheckBesideSignature(HttpRequest request, WebhookSourceOptions options, string source,
        WebhookRejection? noneConfigured = null)
    {
        if (options.AcceptsAnonymous)
            return null;
        if (!options.HasCredentials)
            return noneConfigured ?? Refusal(options, source);
        var headerCredentials = !string.IsNullOrEmpty(options.BearerToken) || options.BasicAuth.IsConfigured;
        return headerCredentials ? Check(request, options, source) : null;
    }

    public static bool IsAuthorized(HttpRequest request, WebhookSourceOptions options)
    {
        if (options.AcceptsAnonymous)
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

    /// <summary>True when the request carries <paramref name="name"/> with exactly <paramref name="expected"/> (constant time).</summary>
    public static bool HeaderMatches(HttpRequest request, string name, string expected)
    {
        var values = request.Headers[name];
        // Two copies of the header is not a credential.
        return values.Count == 1 && FixedTimeEquals(values[0] ?? "", expected);
    }

    /// <summary>
    /// Lowercase-hex HMAC-SHA256 check in constant time: false for anything that is not 64 hex digits.
    /// </summary>
    public static bool HmacSha256HexMatches(byte[] key, ReadOnlySpan<byte> message, ReadOnlySpan<char> presentedHex)
    {
        Span<byte> presented = stackalloc byte[32];
        if (presentedHex.Length != 64 || Convert.FromHexString(presentedHex, presented, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32)
            return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(key, message, expected);
        return CryptographicOperations.FixedTimeEquals(presented, expected);
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
