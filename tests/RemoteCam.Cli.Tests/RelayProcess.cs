using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Tests;

/// <summary>The real <c>remotecam serve</c> in its own process, so a test can kill it hard.</summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _restOfOutput;

    private RelayProcess(Process process, Uri url, string firstLines)
    {
        _process = process;
        Url = url;
        FirstLines = firstLines;
        _restOfOutput = process.StandardOutput.ReadToEndAsync();
    }

    public Uri Url { get; }

    /// <summary>Every "Relay listening on" address, in the order printed (with --lan: HTTPS first, then loopback HTTP).</summary>
    public IReadOnlyList<Uri> Urls => [.. ListeningLine().Matches(FirstLines).Select(m => new Uri(m.Groups[1].Value))];

    /// <summary>What the relay printed as it started, up to "Press Ctrl+C to stop.".</summary>
    public string FirstLines { get; }

    public static Task<RelayProcess> StartAsync(string dataDirectory, params string[] extraArguments) =>
        StartWithConfigAsync(Path.Combine(dataDirectory, ".test-config"), dataDirectory, extraArguments);

    /// <summary>Starts <c>remotecam serve</c> with <c>REMOTECAM_CONFIG_DIR</c> set, so the default room's secrets stay in the test's folder.</summary>
    public static async Task<RelayProcess> StartWithConfigAsync(string configDirectory, string dataDirectory, params string[] extraArguments)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "remotecam.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["REMOTECAM_CONFIG_DIR"] = configDirectory;
        start.Environment.Remove("COLORFGBG");
        foreach (var argument in (string[])[cli, "serve", "--port", "0", "--data", dataDirectory, .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lines = new System.Text.StringBuilder();
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("remotecam serve exited before listening: " + await stderr);
            }

            lines.AppendLine(line);
            var match = ListeningLine().Match(lines.ToString());
            if (match.Success && line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
                // The rest of stdout keeps draining, so the process never blocks on a full pipe.
                return new RelayProcess(process, new Uri(match.Groups[1].Value), lines.ToString());
            }
        }
    }

    /// <summary>Sends SIGTERM (what a service manager sends) and returns the exit code and the output after start-up.</summary>
    public async Task<(int ExitCode, string Output)> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _restOfOutput);
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
