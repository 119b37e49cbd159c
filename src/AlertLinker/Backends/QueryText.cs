using System.Text;

namespace AlertLinker.Backends;

/// <summary>String literals of the backend query languages that escape only backslash and quote (Datadog search, Lightstep UQL).</summary>
internal static class QueryText
{
    /// <summary>Double quotes with backslash and quote escaped; control characters (never meaningful in a query value) become spaces.</summary>
    public static string BackslashQuoted(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
                builder.Append('\\');
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.Append('"').ToString();
    }
}
