using System.Runtime.InteropServices;

using RemoteCam.Cli;

// Ctrl+C (SIGINT) and SIGTERM ask the running command to stop cleanly instead of killing the process.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await CliApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
