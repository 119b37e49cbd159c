using System.Text.Json;

namespace AlertLinker.Backends;

/// <summary>
/// A trace body that is not the format its backend promises. The only exception the trace parsers throw: the backend
/// logs it and treats the trace as unavailable ("no trace"), the exemplars stay.
/// </summary>
public sealed class TraceFormatException(string message, Exception? inner = null) : FormatException(message, inner)
{
    /// <summary>
    /// Runs a parser and turns whatever odd input makes it trip over (bad JSON, wrong kinds, numbers out of range)
    /// into a <see cref="TraceFormatException"/> naming the format.
    /// </summary>
    public static T Guard<T>(string format, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (TraceFormatException e) when (e.Message.StartsWith("not a", StringComparison.Ordinal))
        {
            throw;
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException
                                       or ArgumentException or KeyNotFoundException or IndexOutOfRangeException
                                       or TraceFormatException)
        {
            throw new TraceFormatException($"not a {format} trace: {e.Message}", e);
        }
    }
}
