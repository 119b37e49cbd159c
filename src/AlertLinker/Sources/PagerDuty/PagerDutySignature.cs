using System.Text;

namespace AlertLinker.Sources.PagerDuty;

/// <summary>Outcome of checking <c>X-PagerDuty-Signature</c>.</summary>
internal enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}

/// <summary>
/// PagerDuty V3 signatures (developer-docs webhooks/04-Signatures.md): <c>v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>,
/// HMAC-SHA256 over the raw body keyed with the secret's UTF-8 bytes. One entry per active secret during a rotation.
/// </summary>
internal static class PagerDutySignature
{
    public const string HeaderName = "X-PagerDuty-Signature";

    /// <summary>More entries than this is not a rotation, it is someone guessing.</summary>
    private const int MaxEntries = 10;

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrWhiteSpace(header))
            return SignatureCheck.Missing;

        var entries = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Other schemes (a future v2=) are not ours to judge; only v1 entries count.
            if (!part.StartsWith("v1=", StringComparison.Ordinal))
                continue;
            var hex = part[3..];
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
                return SignatureCheck.Malformed;
            entries.Add(hex);
        }
        if (entries.Count is 0 or > MaxEntries)
            return SignatureCheck.Malformed;

        var valid = false;
        foreach (var secret in secrets)
        {
            var key = Encoding.UTF8.GetBytes(secret);
            // Every pair is compared: how long this takes says nothing about which entry or secret matched.
            foreach (var entry in entries)
                valid |= WebhookAuth.HmacSha256HexMatches(key, body, entry);
        }
        return valid ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
