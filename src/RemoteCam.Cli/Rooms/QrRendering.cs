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
    /// Two modules per character cell (upper and lower half blocks), dark modules drawn as spaces on a
    /// light background would depend on the terminal's colours, so light modules are drawn as blocks:
    /// the code reads correctly on a dark terminal, and the quiet zone (4 modules) is included.
    /// </summary>
    public static string Terminal(string text)
    {
        using var data = Encode(text);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var builder = new StringBuilder();
        for (var row = 0; row < size; row += 2)
        {
            for (var column = 0; column < size; column++)
            {
                var top = !matrix[row][column];
                var bottom = row + 1 < size && !matrix[row + 1][column];
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
