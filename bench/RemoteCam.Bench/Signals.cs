using System.Runtime.InteropServices;

namespace RemoteCam.Bench;

internal static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
