using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>iproute2's <c>ip</c>, run as a process, and what the tests' network namespaces share.</summary>
internal static class Ip
{
    public static bool IsRoot() => File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");

    public static string Locate() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(folder => Path.Combine(folder, "ip"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("iproute2's 'ip' is needed for the network tests (UDP-blocked TURN, network faults): install Debian's package ('apt-get install iproute2'). See docs/testing.md.");

    /// <summary>
    /// An executable that runs chromium inside <paramref name="networkNamespace"/>: a script
    /// <c>exec ip netns exec NS chromium "$@"</c> in <paramref name="folder"/>, for Playwright's ExecutablePath.
    /// </summary>
    public static string ChromiumScript(string folder, string networkNamespace)
    {
        var script = Path.Combine(folder, $"chromium-{networkNamespace}");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        using (var writer = new StreamWriter(script, Encoding.ASCII, options))
        {
            writer.Write($"#!/bin/sh\nexec '{Locate()}' netns exec '{networkNamespace}' '{RemoteCam.Testing.DebianChromium.Locate()}' \"$@\"\n");
        }

        return script;
    }

    /// <summary>Namespaces named <paramref name="prefix"/>PID-… whose test process is gone (it was killed before it could clean up).</summary>
    public static async Task RemoveStaleAsync(string ip, string prefix)
    {
        var list = await Ip.RunAsync(ip, "netns", "list");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(name[prefix.Length..].Split('-')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && !Directory.Exists($"/proc/{pid}"))
            {
                await Ip.TryAsync(ip, "netns", "delete", name);
            }
        }
    }

    /// <summary>A 10.a.b.0/29 no address or route of this machine touches.</summary>
    public static async Task<(int A, int B)> FreeSubnetAsync(string ip)
    {
        var used = await Ip.RunAsync(ip, "-4", "addr") + await Ip.RunAsync(ip, "-4", "route");
        for (var tries = 0; tries < 50; tries++)
        {
            var a = RandomNumberGenerator.GetInt32(200, 255);
            var b = RandomNumberGenerator.GetInt32(0, 256);
            if (!used.Contains($"10.{a}.{b}.", StringComparison.Ordinal) && !used.Contains($"10.{a}.0.0/16", StringComparison.Ordinal) && !used.Contains("10.0.0.0/8", StringComparison.Ordinal))
            {
                return (a, b);
            }
        }

        throw new InvalidOperationException("No free 10.x.y.0/29 for the test networks: " + used);
    }
    public static async Task<string> RunAsync(string ip, params string[] arguments)
    {
        var (code, output) = await ExecuteAsync(ip, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', arguments)} exited {code}: {output}");
    }

    public static async Task TryAsync(string ip, params string[] arguments) => await ExecuteAsync(ip, arguments);

    private static async Task<(int Code, string Output)> ExecuteAsync(string ip, string[] arguments)
    {
        var start = new ProcessStartInfo(ip) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ip did not start");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
