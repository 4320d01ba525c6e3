using System.Diagnostics;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The motion detector's pure core (web/src/motion), run by Node on synthetic frames
/// (web/test/motion.mjs): no motion in a noisy still scene, one event for an object crossing with
/// its start and end on time, none for brightness changes and lights, zones, sensitivities.
/// </summary>
public sealed class MotionCoreTests
{
    [Fact]
    public async Task The_detector_sees_an_object_cross_and_ignores_noise_light_changes_and_ignored_zones()
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("web", "test", "motion.mjs"));
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: install Node.js 20 (it builds the pages too)");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        var text = await output + await errors;
        Assert.True(node.ExitCode == 0, text);
        foreach (var check in new[]
        {
            "a noisy still scene has no motion at any sensitivity",
            "an object crossing starts one event at once and ends it 2 s after it left",
            "a sudden brightness change (offset, gain, both) is no motion",
            "lights switched on in most of the frame recalibrate without an event",
            "motion inside an ignored zone is no motion; a watch zone elsewhere sees nothing",
        })
        {
            Assert.Contains("ok   " + check, text, StringComparison.Ordinal);
        }
    }
}
