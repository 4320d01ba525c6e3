using System.Diagnostics;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>A script of web/test run by Node from the repository (they check the pages' modules outside a browser).</summary>
internal static class NodeScript
{
    /// <summary>
    /// Runs <c>node web/test/<paramref name="name"/></c>; fails with its output when it exits
    /// non-zero, and asserts that each of <paramref name="checks"/> printed "ok   CHECK".
    /// </summary>
    public static async Task RunAsync(string name, params string[] checks)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("web", "test", name));
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
