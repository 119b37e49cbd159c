using System.Globalization;
using System.Text;

namespace AlertLinker.Sources.Grafana;

/// <summary>
/// Grafana Alerting's optional webhook HMAC: lowercase hex HMAC-SHA256(secret, [timestamp + ":"] + body),
/// the timestamp (Unix seconds) in its own header when the contact point configures one.
/// </summary>
internal static class GrafanaSignature
{
    /// <summary>Null when the request is signed right, else what is wrong (never the expected value).</summary>
    public static string? Check(HttpRequest request, byte[] body, GrafanaOptions options, DateTimeOffset now)
    {
        var signature = request.Headers[options.SignatureHeader].ToString().Trim();
        if (signature.Length == 0)
            return $"The {options.SignatureHeader} header is missing";
        if (signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
            signature = signature["sha256=".Length..];
        if (signature.Length != 64 || !signature.All(char.IsAsciiHexDigit))
            return $"The {options.SignatureHeader} header is malformed; expected 64 hex digits";

        byte[] message = body;
        if (!string.IsNullOrEmpty(options.TimestampHeader))
        {
            var timestamp = request.Headers[options.TimestampHeader].ToString().Trim();
            if (timestamp.Length == 0)
                return $"The {options.TimestampHeader} header is missing";
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                return $"The {options.TimestampHeader} header is not Unix seconds";
            if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > options.MaxTimestampSkew)
                return $"The {options.TimestampHeader} timestamp is more than {options.MaxTimestampSkew.TotalMinutes:0.#} minutes from now (a replay, or a clock off)";
            message = [.. Encoding.UTF8.GetBytes(timestamp + ":"), .. body];
        }
        return WebhookAuth.HmacSha256HexMatches(Encoding.UTF8.GetBytes(options.SigningSecret!), message, signature)
            ? null
            : $"The {options.SignatureHeader} signature does not match the body";
    }
}
