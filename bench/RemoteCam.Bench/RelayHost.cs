using System.Reflection;
using System.Runtime.InteropServices;

namespace RemoteCam.Bench;

/// <summary>
/// <c>host-relay --port N --data DIR [--host H]</c>: runs RemoteCam.Relay's RelayServer in this process, prints
/// <c>READY &lt;url&gt;</c> on stdout once it listens, and stops when stdin closes or on SIGTERM/SIGINT.
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

        await using IAsyncDisposable server = await StartRelayAsync(options.Host, options.Port, options.DataDirectory);
        Console.Out.WriteLine("READY " + UrlOf(server));
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

    // RelayServer is being written on main; until it lands it is bound by reflection so that this project builds
    // either way. Public API: RelayServer.StartAsync(RelayOptions { Host, Port, DataDirectory }, CancellationToken), Url.
    private static async Task<IAsyncDisposable> StartRelayAsync(string host, int port, string? dataDirectory)
    {
        Assembly relay = Assembly.Load("RemoteCam.Relay");
        Type serverType = relay.GetType("RemoteCam.Relay.RelayServer")
            ?? throw new InvalidOperationException("RemoteCam.Relay.RelayServer does not exist yet in this build of RemoteCam.Relay");
        Type optionsType = relay.GetType("RemoteCam.Relay.RelayOptions", throwOnError: true)!;
        object relayOptions = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("Host")!.SetValue(relayOptions, host);
        optionsType.GetProperty("Port")!.SetValue(relayOptions, port);
        optionsType.GetProperty("DataDirectory")!.SetValue(relayOptions, dataDirectory);
        MethodInfo start = serverType.GetMethod("StartAsync", [optionsType, typeof(CancellationToken)])!;
        Task task = (Task)start.Invoke(null, [relayOptions, CancellationToken.None])!;
        await task;
        return (IAsyncDisposable)task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    private static Uri UrlOf(IAsyncDisposable server) => (Uri)server.GetType().GetProperty("Url")!.GetValue(server)!;
}
