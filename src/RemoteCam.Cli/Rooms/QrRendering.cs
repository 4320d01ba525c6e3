using System.Globalization;
using System.Text;

using QRCoder;

namespace RemoteCam.Cli.Rooms;

/// <summary>QR codes of invitation URLs: in the terminal (Unicode half blocks), as PNG and as SVG.</summary>
internal static class QrRendering
{
    private static QRCodeData Encode(string text)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
    }

    /// <summary>
    /// Two modules per character cell (upper and lower half blocks), quiet zone (4 modules) included.
    /// A block shows the terminal's text colour and a space its background, so on a dark terminal
    /// (light text) the light modules are drawn as blocks, and with <paramref name="light"/> (dark
    /// text on a light background) the dark modules are: either way the code reads dark on light.
    /// </summary>
    public static string Terminal(string text, bool light = false)
    {
        using var data = Encode(text);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var builder = new StringBuilder();
        for (var row = 0; row < size; row += 2)
        {
            for (var column = 0; column < size; column++)
            {
                // Past the last row the quiet zone continues: a light module.
                var top = matrix[row][column] == light;
                var bottom = (row + 1 < size && matrix[row + 1][column]) == light;
                builder.Append((top, bottom) switch
                {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    _ => ' ',
                });
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <c>COLORFGBG</c> (set by many terminals as <c>"fg;bg"</c> or <c>"fg;default;bg"</c>, ANSI colour numbers)
    /// says the background is light: 7 (light grey) or 9–15 (bright colours, 15 = white). Null when unset or unreadable.
    /// </summary>
    public static bool? LightBackground(string? colorFgBg)
    {
        if (string.IsNullOrEmpty(colorFgBg)
            || !int.TryParse(colorFgBg.Split(';')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var background))
        {
            return null;
        }

        return background is 7 or (>= 9 and <= 15);
    }

    public static byte[] Png(string text, int pixelsPerModule = 10)
    {
        using var data = Encode(text);
        using var code = new PngByteQRCode(data);
        return code.GetGraphic(pixelsPerModule);
    }

    public static string Svg(string text, int pixelsPerModule = 10)
    {
        using var data = Encode(text);
        using var code = new SvgQRCode(data);
        return code.GetGraphic(pixelsPerModule);
    }
}
