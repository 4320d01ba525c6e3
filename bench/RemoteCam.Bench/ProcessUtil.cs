using System.Net;
using System.Net.Sockets;

namespace RemoteCam.Bench;

internal static class ProcessUtil
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>VmRSS of a process in bytes, or 0 when it is gone.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    public static long RssBytes(IEnumerable<int> pids) => pids.Sum(RssBytes);

    /// <summary>Direct children of a process, from /proc/*/stat.</summary>
    public static List<int> ChildrenOf(int parentPid)
    {
        List<int> children = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...; comm may contain spaces, so parse after the last ')'.
                string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) == parentPid)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:port.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<bool> hasExited)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using TcpClient client = new();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !hasExited())
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Waits until the summed RSS stops moving (two samples 500 ms apart within 1 %), at most <paramref name="max"/>.</summary>
    public static async Task<long> SettledRssAsync(Func<IReadOnlyList<int>> pids, TimeSpan max)
    {
        DateTime deadline = DateTime.UtcNow + max;
        long previous = RssBytes(pids());
        while (true)
        {
            await Task.Delay(500);
            long current = RssBytes(pids());
            if (Math.Abs(current - previous) <= previous / 100 || DateTime.UtcNow >= deadline)
            {
                return current;
            }

            previous = current;
        }
    }
}
