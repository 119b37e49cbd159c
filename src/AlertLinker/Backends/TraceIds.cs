namespace AlertLinker.Backends;

/// <summary>
/// Trace ids as the UIs want them: lowercase hex. OTLP JSON from Tempo's trace-by-id carries base64 ids, Jaeger
/// api_v3 and Tempo search carry hex; both must land on the same trace page.
/// </summary>
public static class TraceIds
{
    /// <summary>Lowercase hex for hex or base64 (8 or 16 bytes) ids; anything else is returned trimmed, unchanged.</summary>
    public static string Normalize(string id)
    {
        var trimmed = id.Trim();
        if (trimmed.Length > 0 && trimmed.All(Uri.IsHexDigit))
            return trimmed.ToLowerInvariant();
        Span<byte> bytes = stackalloc byte[24];
        if (Convert.TryFromBase64String(trimmed, bytes, out var written) && written is 8 or 16)
            return Convert.ToHexStringLower(bytes[..written]);
        return trimmed;
    }
}
