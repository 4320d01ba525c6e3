using System.Globalization;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// A fake camera video for the motion tests, made with ffmpeg (Y4M, 320×240, 15 frames/s, 16 s,
/// looped by chromium): a still textured scene with sensor-like noise on every frame (ffmpeg's
/// <c>noise</c>, temporal), a dark 30×40 object crossing from left to right in frames 75–119, a
/// sudden brightness and contrast jump of the whole picture in frames 165–209 (and back at 210),
/// and the frame's number in binary along the bottom edge (below y = 224): 8 blocks on a grey
/// strip, reddish for 1 and grey for 0, so a page or a clip's decoded frames say which frame of the
/// file they show. The blocks differ in colour only (the strip's luma is a constant 128): a motion
/// detector, which looks at luma, sees nothing change there.
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

    /// <summary>The object's path is a band from y = 100 to 140 (0.42–0.58 of the height).</summary>
    public const double PathTop = 0.3;

    public const double PathBottom = 0.7;

    private static readonly Lazy<Task<string>> Shared = new(async () =>
    {
        var file = Path.Combine(Path.GetTempPath(), "remotecam-motion-" + Guid.NewGuid().ToString("N") + ".y4m");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        await WriteAsync(file);
        return file;
    });

    /// <summary>The video, made once per test run (27 MB in the temporary folder, deleted when the run ends).</summary>
    public static Task<string> FileAsync() => Shared.Value;

    public static async Task WriteAsync(string file)
    {
        // In the chroma planes (half size) the blocks are 8×5 at x = 4 + 12k, y = 113: Cr + 50 for a 1 bit.
        const string Bit = "gte(X,4)*lt(X,100)*lt(mod(X-4,12),8)*gte(Y,113)*lt(Y,118)*mod(floor(N/pow(2,floor((X-4)/12))),2)";
        var graph =
            "[0]format=yuv420p,geq=lum='128+50*sin(X/10)*cos(Y/8)+10*sin((X+Y)/22)':cb=128:cr=128[bg];"
            + "[1]format=yuv420p[obj];"
            + $"[bg][obj]overlay=x='if(between(n,{MovingFrom},{MovingTo}),-30+(n-{MovingFrom})*7.8,-100)':y=100:eval=frame,"
            + $"eq=brightness=0.15:contrast=1.2:enable='between(n,{BrightFrom},{BrightTo})',"
            + "noise=alls=12:allf=t,"
            + $"geq=lum='if(gte(Y,224),128,lum(X,Y))':cb='if(gte(Y,112),128,cb(X,Y))':cr='if(gte(Y,112),128+50*{Bit},cr(X,Y))',format=yuv420p";
        var seconds = (Frames / Fps).ToString(CultureInfo.InvariantCulture);
        var (exit, _, errors) = await Ffmpeg.RunAsync(
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"color=c=gray:s={Width}x{Height}:r={Fps}:d={seconds}",
            "-f", "lavfi", "-i", $"color=c=0x202020:s=30x40:r={Fps}:d={seconds}",
            "-filter_complex", graph, "-frames:v", Frames.ToString(CultureInfo.InvariantCulture), "-f", "yuv4mpegpipe", file);
        Assert.True(exit == 0, "ffmpeg could not make the motion video: " + errors);
    }

    /// <summary>The frame number shown in an RGB picture (3 bytes a pixel) of <paramref name="width"/>×<paramref name="height"/> (any scale of the video).</summary>
    public static int FrameNumber(byte[] rgb, int width, int height)
    {
        var y = 231 * height / Height;
        var n = 0;
        for (var k = 0; k < 8; k++)
        {
            // Red is about 210 for a 1 and 130 for a 0 (BT.601).
            var x = (16 + (k * 24)) * width / Width;
            if (rgb[3 * ((y * width) + x)] > 170)
            {
                n |= 1 << k;
            }
        }

        return n;
    }
}
