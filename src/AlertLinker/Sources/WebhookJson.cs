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

    /// <summary>Parses the body; on failure <paramref name="error"/> names where and what, without .NET type names.</summary>
    public static bool TryDeserialize<T>(byte[] body, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body, Options);
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

    private static string Describe(JsonException ex)
    {
        var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at {ex.Path}";
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
