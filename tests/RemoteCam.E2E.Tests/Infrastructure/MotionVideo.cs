using System.Globalization;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// A fake camera video for the motion tests, made with ffmpeg (Y4M, 320×240, 15 frames/s, 16 s,
/// looped by chromium): a still textured scene with sensor-like noise on every frame (ffmpeg's
/// <c>noise</c>, temporal), a dark 30×40 object crossing from left to right in frames 75–119, a
/// sudden brightness and contrast jump of the whole picture in frames 165–209 (and back at 210),
/// and the frame's number in binary along the bottom edge (8 white or black blocks on a black
/// strip, below y = 224), so a page or a clip's decoded frames say which frame of the file they show.
/// </summary>
internal static class MotionVideo
{
    public const int Width = 320;
    public const int Height = 240;
    public const int Fps = 15;
    public const int Frames = 240;
    public const int MovingFrom = 75;
    public const int MovingTo = 119;
    public const int BrightFrom = 165;
    public const int BrightTo = 209;

    /// <summary>The marker strip (and only it) is in the bottom tenth: ignore it when looking for motion.</summary>
    public const double MarkerTop = 0.9;

    /// <summary>The object's path is a band from y = 100 to 140 (0.42–0.58 of the height).</summary>
    public const double PathTop = 0.3;

    public const double PathBottom = 0.7;

    public static async Task WriteAsync(string file)
    {
        var bits = string.Concat(Enumerable.Range(0, 8).Select(k =>
            string.Create(CultureInfo.InvariantCulture, $",drawbox=x={8 + (k * 24)}:y=227:w=16:h=10:color=white:t=fill:enable='gte(mod(floor(n/{1 << k}),2),1)'")));
        var graph =
            "[0]format=yuv420p,geq=lum='128+50*sin(X/10)*cos(Y/8)+10*sin((X+Y)/22)':cb=128:cr=128[bg];"
            + "[1]format=yuv420p[obj];"
            + $"[bg][obj]overlay=x='if(between(n,{MovingFrom},{MovingTo}),-30+(n-{MovingFrom})*7.8,-100)':y=100:eval=frame,"
            + $"eq=brightness=0.15:contrast=1.2:enable='between(n,{BrightFrom},{BrightTo})',"
            + "noise=alls=12:allf=t,"
            + $"drawbox=x=0:y=224:w={Width}:h=16:color=black:t=fill{bits},format=yuv420p";
        var seconds = (Frames / Fps).ToString(CultureInfo.InvariantCulture);
        var (exit, _, errors) = await Ffmpeg.RunAsync(
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"color=c=gray:s={Width}x{Height}:r={Fps}:d={seconds}",
            "-f", "lavfi", "-i", $"color=c=0x202020:s=30x40:r={Fps}:d={seconds}",
            "-filter_complex", graph, "-frames:v", Frames.ToString(CultureInfo.InvariantCulture), "-f", "yuv4mpegpipe", file);
        Assert.True(exit == 0, "ffmpeg could not make the motion video: " + errors);
    }

    /// <summary>The frame number shown in a luma plane of <paramref name="width"/>×<paramref name="height"/> (any scale of the video).</summary>
    public static int FrameNumber(byte[] luma, int width, int height)
    {
        var y = 231 * height / Height;
        var n = 0;
        for (var k = 0; k < 8; k++)
        {
            var x = (16 + (k * 24)) * width / Width;
            if (luma[(y * width) + x] > 128)
            {
                n |= 1 << k;
            }
        }

        return n;
    }
}
