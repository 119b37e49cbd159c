using SkiaSharp;

namespace AlertLinker.Tests.Graphs;

/// <summary>Looks at a decoded picture's pixels: how many have a colour, whether one is near a point (antialiasing allowed).</summary>
internal static class PngPixels
{
    public static int Count(SKBitmap bitmap, SKColor wanted)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (Close(bitmap.GetPixel(x, y), wanted))
                    count++;
            }
        }
        return count;
    }

    public static bool Near(SKBitmap bitmap, float x, float y, SKColor wanted)
    {
        for (var dy = -2; dy <= 2; dy++)
        {
            for (var dx = -2; dx <= 2; dx++)
            {
                var (px, py) = ((int)Math.Round(x) + dx, (int)Math.Round(y) + dy);
                if (px >= 0 && py >= 0 && px < bitmap.Width && py < bitmap.Height && Close(bitmap.GetPixel(px, py), wanted))
                    return true;
            }
        }
        return false;
    }

    private static bool Close(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) <= 12 && Math.Abs(a.Green - b.Green) <= 12 && Math.Abs(a.Blue - b.Blue) <= 12;
}
