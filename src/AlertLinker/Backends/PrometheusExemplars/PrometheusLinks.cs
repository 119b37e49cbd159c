using System.Globalization;
using System.Text;
using AlertLinker.Resolution;

namespace AlertLinker.Backends.PrometheusExemplars;

/// <summary>Prometheus graph links. Pure.</summary>
internal static class PrometheusLinks
{
    /// <summary>
    /// <c>{ui}/graph?g0.expr=…&amp;g0.tab=0&amp;g0.range_input=1h20m&amp;g0.end_input=2026-11-23 18:00:00</c>: the expression
    /// graphed over the window (Prometheus 3 redirects /graph to /query with the same parameters).
    /// </summary>
    public static Uri Graph(Uri ui, string expression, AlertWindow window)
    {
        var end = window.End.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return BackendHttp.Join(ui, "graph",
        [
            new("g0.expr", expression),
            new("g0.tab", "0"),
            new("g0.range_input", RangeInput(window.Length)),
            new("g0.end_input", end),
            new("g0.moment_input", end),
        ]);
    }

    /// <summary>The UI's duration syntax (<c>1h20m30s</c>), whole seconds rounded up so the window fits.</summary>
    public static string RangeInput(TimeSpan length)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(length.TotalSeconds));
        var builder = new StringBuilder();
        Append(seconds / 3600, "h");
        Append(seconds % 3600 / 60, "m");
        Append(seconds % 60, "s");
        return builder.ToString();

        void Append(long value, string unit)
        {
            if (value > 0)
                builder.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
