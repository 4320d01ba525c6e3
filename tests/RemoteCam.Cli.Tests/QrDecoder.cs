using System.Diagnostics;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// Decodes QR codes with jsQR in Node (qr-decode.mjs), independently of the QRCoder library the CLI
/// draws them with. Node and the repository's node_modules (<c>npm ci</c>) are required: a missing one
/// fails the test with what to do, never skips it.
/// </summary>
internal static class QrDecoder
{
    /// <summary>The decoded text of a PNG file.</summary>
    public static Task<string> DecodePngAsync(string file) => RunAsync("png", file);

    /// <summary>The decoded text of a QR code drawn in a terminal (as <c>rooms invite</c> prints it) for a dark or light theme.</summary>
    public static async Task<string> DecodeTerminalAsync(string drawing, bool light)
    {
        var file = Path.Combine(Path.GetTempPath(), "remotecam-qr-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, drawing);
        try
        {
            return await RunAsync("text", file, light ? "light" : "dark");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Whether the drawing decodes at all (a code drawn for the other theme must not).</summary>
    public static async Task<bool> TerminalDecodesAsync(string drawing, bool light)
    {
        try
        {
            await DecodeTerminalAsync(drawing, light);
            return true;
        }
        catch (QrNotFoundException)
        {
            return false;
        }
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var root = RepositoryRoot.Find();
        if (!Directory.Exists(Path.Combine(root, "node_modules", "jsqr")) || !Directory.Exists(Path.Combine(root, "node_modules", "pngjs")))
        {
            Assert.Fail($"jsqr and pngjs are missing from {root}/node_modules: run 'npm ci' in the repository first.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "qr-decode.mjs"), root, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not on PATH ({e.Message}): install Node.js to run the QR decoding tests.");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode switch
            {
                0 => await output,
                1 => throw new QrNotFoundException(await error),
                _ => throw new InvalidOperationException($"qr-decode.mjs failed ({process.ExitCode}): {await error}"),
            };
        }
    }
}

/// <summary>jsQR found no QR code in the image.</summary>
internal sealed class QrNotFoundException(string message) : Exception(message);

/// <summary>The repository's root: the folder of RemoteCam.sln above the test's output folder.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RemoteCam.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"RemoteCam.sln not found above {AppContext.BaseDirectory}.");
    }

    public static string RulesFile => Path.Combine(Find(), "database.rules.json");
}
