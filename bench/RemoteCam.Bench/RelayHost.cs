using System.Runtime.InteropServices;

using RemoteCam.Relay;

namespace RemoteCam.Bench;

/// <summary>
/// <c>host-relay --port N --data DIR [--host H]</c>: runs RemoteCam.Relay's <see cref="RelayServer"/> in this process,
/// prints <c>READY &lt;url&gt;</c> on stdout once it listens, and stops when stdin closes or on SIGTERM/SIGINT.
/// </summary>
internal static class RelayHost
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using CancellationTokenSource stop = new();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        _ = Task.Run(async () =>
        {
            Stream stdin = Console.OpenStandardInput();
            byte[] buffer = new byte[256];
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }

            stop.Cancel();
        });

        RelayOptions relayOptions = new() { Host = options.Host, Port = options.Port, DataDirectory = options.DataDirectory };
        await using RelayServer server = await RelayServer.StartAsync(relayOptions);
        Console.Out.WriteLine("READY " + server.Url);
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
