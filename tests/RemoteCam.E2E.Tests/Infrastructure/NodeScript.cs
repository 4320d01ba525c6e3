using System.Diagnostics;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>A script of web/test run by Node from the repository (they check the pages' modules outside a browser).</summary>
internal static class NodeScript
{
    /// <summary>
    /// Runs <c>node web/test/<paramref name="name"/></c>; fails with its output when it exits
    /// non-zero, and asserts that each of <paramref name="checks"/> printed "ok   CHECK".
    /// </summary>
    public static Task RunAsync(string name, params string[] checks) => RunWithAsync(name, [], checks);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="arguments"/> after the script's name.</summary>
    public static async Task RunWithAsync(string name, string[] arguments, params string[] checks)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("web", "test", name));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: install Node.js 20 (it builds the pages too)");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        var text = await output + await errors;
        Assert.True(node.ExitCode == 0, text);
        foreach (var check in checks)
        {
            Assert.Contains("ok   " + check, text, StringComparison.Ordinal);
        }
    }
}
