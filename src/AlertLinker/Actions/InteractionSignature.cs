using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AlertLinker.Actions;

/// <summary>
/// Slack's request signing (https://docs.slack.dev/authentication/verifying-requests-from-slack):
/// <c>X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body))</c>,
/// over the raw bytes before any form decoding, compared in constant time. A timestamp more than
/// <see cref="MaxAge"/> away from our clock is refused (Bolt's rule), which bounds how long a captured request can be replayed.
/// </summary>
internal static class InteractionSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const string Version = "v0";
    private const int HexLength = 64;

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes($"{Version}:{timestamp}:"));
        hmac.AppendData(body);
        return $"{Version}=" + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Why the request is not Slack's, or null when it is. Never says what the expected signature was.</summary>
    public static string? Problem(string? secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
            return "Slack interactivity is not configured here (AlertLinker:Slack:SigningSecret is empty)";
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return $"The request is not signed: {SignatureHeader} and {TimestampHeader} are required";
        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"{TimestampHeader} must be Unix seconds";
        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > MaxAge)
            return $"{TimestampHeader} is {(int)age.TotalSeconds} s from this server's clock; more than {(int)MaxAge.TotalSeconds} s is refused (replay protection)";
        if (signature.Length != Version.Length + 1 + HexLength || !signature.StartsWith(Version + "=", StringComparison.Ordinal))
            return $"{SignatureHeader} must be v0= followed by 64 hex digits";
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : $"{SignatureHeader} does not match the body";
    }
}
