using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using RemoteCam.Relay;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// The real <c>remotecam serve</c> in its own process, with the repository's rules and the built
/// pages, so that a test can kill it with SIGKILL and start it again on the same port and data
/// directory (the pages keep their origin).
/// </summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    private readonly string _config;
    private Process _process;

    private RelayProcess(string data, string config, Process process, Uri url)
    {
        DataDirectory = data;
        _config = config;
        _process = process;
        Url = url;
        AdminKey = File.ReadAllText(RelayServer.AdminKeyPath(data)).Trim();
    }

    public Uri Url { get; }

    public string DataDirectory { get; }

    public string AdminKey { get; }

    /// <summary>Starts <c>remotecam serve</c> on a free port of 127.0.0.1 with a fresh data directory.</summary>
    public static async Task<RelayProcess> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "remotecam-e2e-proc-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var config = Path.Combine(root, "config");
        Directory.CreateDirectory(data);
        Directory.CreateDirectory(config);
        var (process, url) = await LaunchAsync(data, config, port: 0);
        return new RelayProcess(data, config, process, url);
    }

    /// <summary>SIGKILL: the relay gets no chance to flush, close or say goodbye to anyone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts <c>remotecam serve</c> again on the same port and data directory.</summary>
    public async Task StartAgainAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                (_process, var url) = await LaunchAsync(DataDirectory, _config, Url.Port);
                Assert.Equal(Url, url);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The port may still be held by the killed process's sockets for a moment.
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(DataDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }
    }

    private static async Task<(Process Process, Uri Url)> LaunchAsync(string data, string config, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["REMOTECAM_CONFIG_DIR"] = config;
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "remotecam.dll"), "serve",
            "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--data", data,
            "--rules", RepositoryRoot.RulesFile, "--web", Pages.Folder,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lines = new StringBuilder();
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                process.Dispose();
                throw new InvalidOperationException("remotecam serve exited before listening: " + lines + await stderr);
            }

            lines.AppendLine(line);
            if (ListeningLine().Match(lines.ToString()) is { Success: true } match && line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
                // The rest of the output keeps draining, so the process never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return (process, new Uri(match.Groups[1].Value));
            }
        }
    }

    [GeneratedRegex(@"Relay listening on (\S+)")]
    private static partial Regex ListeningLine();
}
