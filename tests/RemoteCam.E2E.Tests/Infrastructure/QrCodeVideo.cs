using System.Text;

using QRCoder;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// A Y4M video (YUV4MPEG2, 4:2:0) whose frames show a QR code: what a phone's camera sees when it
/// is held up to a printed invitation. Chromium plays it as the fake camera
/// (<c>--use-file-for-fake-video-capture</c>), in a loop.
/// </summary>
internal static class QrCodeVideo
{
    public const int Width = 640;
    public const int Height = 480;

    /// <summary>Frames in the file; the code drifts by a few pixels from one to the next, like a hand.</summary>
    public const int Frames = 8;

    private const byte White = 255;
    private const byte Black = 0;

    /// <summary>
    /// Writes <paramref name="file"/>: black modules on white, the quiet zone included, scaled to
    /// whole pixels per module to fill most of the frame's height. <paramref name="text"/> is
    /// encoded as the CLI encodes invitations (error correction level M).
    /// </summary>
    public static void Write(string file, string text)
    {
        bool[][] modules;
        using (var generator = new QRCodeGenerator())
        using (var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M))
        {
            // QRCoder's matrix already has the 4-module quiet zone around the code.
            modules = [.. data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray())];
        }

        var size = modules.Length;
        var scale = (Height - 40) / size;
        if (scale < 3)
        {
            throw new ArgumentException($"'{text}' needs {size} modules: too many to show at 3 pixels each in {Width}x{Height}.", nameof(text));
        }

        using var output = new BufferedStream(File.Create(file));
        output.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{Width} H{Height} F15:1 Ip A1:1 C420jpeg\n"));
        var luma = new byte[Width * Height];
        var chroma = new byte[Width / 2 * (Height / 2)];
        Array.Fill(chroma, (byte)128);
        for (var frame = 0; frame < Frames; frame++)
        {
            var left = ((Width - (size * scale)) / 2) + ((frame % 4) - 2) * 3;
            var top = ((Height - (size * scale)) / 2) + ((frame % 3) - 1) * 2;
            Array.Fill(luma, White);
            for (var row = 0; row < size; row++)
            {
                for (var column = 0; column < size; column++)
                {
                    if (!modules[row][column])
                    {
                        continue;
                    }

                    for (var y = top + (row * scale); y < top + ((row + 1) * scale); y++)
                    {
                        luma.AsSpan((y * Width) + left + (column * scale), scale).Fill(Black);
                    }
                }
            }

            output.Write("FRAME\n"u8);
            output.Write(luma);
            output.Write(chroma);
            output.Write(chroma);
        }
    }
}
