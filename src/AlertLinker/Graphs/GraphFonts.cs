using SkiaSharp;

namespace AlertLinker.Graphs;

/// <summary>
/// The font the graphs are written in, found once through fontconfig (which SkiaSharp's Linux library uses): DejaVu
/// Sans where it is (Debian's fonts-dejavu-core, installed by the Dockerfile and .ci/run), else another common sans,
/// else whatever family the machine has. With no font at all the picture is still drawn, its lines without words,
/// and <see cref="Missing"/> says so once in the log.
/// </summary>
internal static class GraphFonts
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica"];

    private static readonly Lazy<(string Family, bool Missing)> Found = new(() =>
    {
        var families = SKFontManager.Default.GetFontFamilies();
        var preferred = Preferred.FirstOrDefault(p => families.Contains(p, StringComparer.OrdinalIgnoreCase));
        if (preferred is not null)
            return (preferred, false);
        return families.Length > 0 ? (families[0], false) : (SKTypeface.Default.FamilyName ?? "", true);
    });

    public static string Family => Found.Value.Family;

    /// <summary>True when the machine has no font: install fonts-dejavu-core.</summary>
    public static bool Missing => Found.Value.Missing;
}
