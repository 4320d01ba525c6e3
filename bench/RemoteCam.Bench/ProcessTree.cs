using System.Globalization;

namespace RemoteCam.Bench;

/// <summary>CPU time of a process and all its descendants, from /proc (Linux).</summary>
internal static class ProcessTree
{
    // USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on Linux everywhere).
    private const double TicksPerSecond = 100;

    /// <summary>The process whose command line has <paramref name="argument"/> (the oldest, i.e. a browser's main process).</summary>
    public static int? FindByArgument(string argument) =>
        Stats()
            .Where(s => Cmdline(s.Pid).Contains(argument, StringComparison.Ordinal))
            .OrderBy(s => s.Start)
            .Select(s => (int?)s.Pid)
            .FirstOrDefault();

    /// <summary>User + system CPU seconds of <paramref name="root"/> and its descendants alive now.</summary>
    public static double CpuSeconds(int root)
    {
        List<Stat> all = [.. Stats()];
        HashSet<int> tree = [root];
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (Stat s in all)
            {
                if (!tree.Contains(s.Pid) && tree.Contains(s.Parent))
                {
                    tree.Add(s.Pid);
                    grew = true;
                }
            }
        }

        return all.Where(s => tree.Contains(s.Pid)).Sum(s => s.Ticks) / TicksPerSecond;
    }

    private sealed record Stat(int Pid, int Parent, long Ticks, long Start);

    private static IEnumerable<Stat> Stats()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields follow the last ')'.
            string[] f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            yield return new Stat(
                pid,
                int.Parse(f[1], CultureInfo.InvariantCulture),
                long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture),
                long.Parse(f[19], CultureInfo.InvariantCulture));
        }
    }

    private static string Cmdline(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
