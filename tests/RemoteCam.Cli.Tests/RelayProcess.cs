using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Tests;

/// <summary>The real <c>remotecam serve</c> in its own process, so a test can kill it hard.</summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<RelayProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "remotecam.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[cli, "serve", "--port", "0", "--data", dataDirectory, .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("remotecam serve exited before listening: " + await stderr);
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                // Keep draining stdout so the process never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new RelayProcess(process, new Uri(match.Groups[1].Value));
            }
        }
    }

    /// <summary>SIGKILL: no chance to flush or close anything.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillHardAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Relay listening on (\S+)")]
    private static partial Regex ListeningLine();
}
