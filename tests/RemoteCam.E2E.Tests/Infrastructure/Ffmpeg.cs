using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// Debian's ffmpeg and ffprobe, found at run time: <c>$REMOTECAM_FFMPEG</c> / <c>$REMOTECAM_FFPROBE</c>,
/// else on <c>PATH</c>, else <c>/usr/bin</c>; a clear failure naming the package when missing.
/// The tests make fake camera videos with ffmpeg and read recorded clips with ffprobe.
/// </summary>
internal static class Ffmpeg
{
    /// <summary>What ffprobe says of a media file.</summary>
    internal sealed record Probe(string Format, double Duration, string Codec, int Width, int Height);

    public static string Locate(string tool)
    {
        var variable = "REMOTECAM_" + tool.ToUpperInvariant();
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{variable} is set to '{configured}', which does not exist.");
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .Append("/usr/bin/" + tool)
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{tool} is needed for the motion and recording tests: install Debian's package ('apt-get install ffmpeg') "
                + $"or set {variable} to a {tool} executable. See docs/testing.md.");
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="args"/>; its exit code, standard output (bytes) and standard error.</summary>
    public static async Task<(int Exit, byte[] Output, string Errors)> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(Locate(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        return (process.ExitCode, output.ToArray(), await errors);
    }

    /// <summary>ffprobe's container format, duration (s, NaN when it has none), and first video stream's codec and size.</summary>
    public static async Task<Probe> ProbeAsync(string file)
    {
        var (exit, output, errors) = await RunAsync(
            "ffprobe", "-v", "error", "-show_entries", "format=format_name,duration:stream=codec_name,width,height",
            "-select_streams", "v:0", "-of", "default=nw=1", file);
        Assert.True(exit == 0, $"ffprobe could not read {file}: {errors}");
        var fields = Encoding.UTF8.GetString(output)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        string Field(string name) => fields.TryGetValue(name, out var v) ? v : "";
        var duration = double.TryParse(Field("duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
        return new Probe(Field("format_name"), duration, Field("codec_name"), int.Parse(Field("width"), CultureInfo.InvariantCulture), int.Parse(Field("height"), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Decodes every frame; fails when ffmpeg reports any error (a truncated or damaged file). Returns
    /// the frames as RGB pictures (3 bytes a pixel, width × height pixels each).
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> DecodeRgbAsync(string file, int width, int height)
    {
        var (exit, output, errors) = await RunAsync("ffmpeg", "-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        Assert.True(exit == 0 && errors.Length == 0, $"ffmpeg could not decode {file} cleanly (exit {exit}): {errors}");
        var size = 3 * width * height;
        return [.. Enumerable.Range(0, output.Length / size).Select(i => output.AsSpan(i * size, size).ToArray())];
    }
}
