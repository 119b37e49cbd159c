using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AlertLinker.Sources;

/// <summary>Deserializes webhook bodies strictly enough to say what is wrong, leniently enough to accept what real senders send.</summary>
internal static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Deep nesting is hostile input, not an alert.
        MaxDepth = 32,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Earliest instant an alert may carry: nothing we alert on predates Unix time.</summary>
    public static readonly DateTimeOffset EarliestInstant = DateTimeOffset.UnixEpoch;

    /// <summary>How far past our clock a sender's clock may run before a timestamp is nonsense.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromDays(7);

    /// <summary>
    /// Null when <paramref name="instant"/> is a plausible alert time, else the problem for <paramref name="path"/>.
    /// Year-1 or year-9999 times would overflow the window arithmetic downstream (found by the fuzz test).
    /// </summary>
    public static string? ImplausibleInstant(DateTimeOffset instant, DateTimeOffset receivedAt, string path) =>
        instant < EarliestInstant || instant > receivedAt + MaxClockAhead
            ? $"{path} is {instant.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; it must lie between 1970 and a week from now."
            : null;

    /// <summary>True when <paramref name="root"/> is an object with <paramref name="property"/> (for telling a body's source by its shape).</summary>
    public static bool Has(JsonElement root, string property) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out _);

    /// <summary>Parses the body; on failure <paramref name="error"/> names where and what, without .NET type names.</summary>
    public static bool TryDeserialize<T>(byte[] body, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body, Options);
            // The reader only checks the UTF-8 of what it decodes: a broken byte in a skipped, unknown property passes it.
            if (value is not null && !System.Text.Unicode.Utf8.IsValid(body))
            {
                value = null;
                error = $"The body is not valid UTF-8 (byte {FirstInvalidUtf8(body) + 1}).";
                return false;
            }
            // Strings kept as JsonElement (values, details) are decoded later, where "\ud800" would throw (found by the fuzz test: a 500).
            if (value is not null && UnpairedSurrogateAt(body) is { } at)
            {
                value = null;
                error = $"The body has an escaped string that is not valid UTF-16 (an unpaired surrogate) at byte {at + 1}.";
                return false;
            }
            if (value is null)
            {
                error = "The body is JSON null; a JSON object is expected.";
                return false;
            }
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            value = null;
            error = Describe(ex);
            return false;
        }
    }

    /// <summary>
    /// Converts one part of an already parsed body (a PagerDuty event's data) into <typeparamref name="T"/>;
    /// errors name the part by <paramref name="path"/> (e.g. <c>$.event.data</c>).
    /// </summary>
    public static bool TryConvert<T>(JsonElement element, string path, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        try
        {
            value = element.Deserialize<T>(Options);
            if (value is null)
            {
                error = $"{path} is null; a JSON object is expected.";
                return false;
            }
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            value = null;
            error = Describe(ex, path);
            return false;
        }
    }

    /// <summary>Where an escaped string or property name decodes to invalid UTF-16, or null. Only bodies with \u escapes are read twice.</summary>
    private static long? UnpairedSurrogateAt(byte[] body)
    {
        if (body.AsSpan().IndexOf("\\u"u8) < 0)
            return null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                    _ = reader.GetString();
            }
        }
        catch (InvalidOperationException)
        {
            return reader.TokenStartIndex;
        }
        return null;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static string Describe(JsonException ex, string root = "$")
    {
        var exPath = ex.Path is { Length: > 0 } p && root != "$" && p.StartsWith('$') ? root + p[1..] : ex.Path;
        var where = string.IsNullOrEmpty(exPath) || exPath == "$" ? "" : $" at {exPath}";
        var position = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        var message = ex.Message;
        if (ex.InnerException?.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) == true
            || message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase))
            return $"The body is not valid UTF-8{where}{position}.";
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return $"A value{where} has the wrong type{position}: expected {ExpectedKind(ex.Message)}.";
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"The JSON is nested deeper than {Options.MaxDepth} levels{position}.";
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = cut > 0 ? message[..cut] : message;
        return $"The body is not valid JSON{where}{position}: {reason}";
    }

    private static string ExpectedKind(string message) => message switch
    {
        _ when message.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when message.Contains("System.Int", StringComparison.Ordinal) => "a whole number",
        _ when message.Contains("DateTime", StringComparison.Ordinal) => "an RFC 3339 timestamp",
        _ when message.Contains("Dictionary", StringComparison.Ordinal) => "an object of string values",
        _ when message.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "another type",
    };
}
