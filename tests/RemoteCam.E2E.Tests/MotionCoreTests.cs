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
    public Task The_detector_sees_an_object_cross_and_ignores_noise_light_changes_and_ignored_zones() =>
        NodeScript.RunAsync(
            "motion.mjs",
            "a noisy still scene has no motion at any sensitivity",
            "an object crossing starts one event at once and ends it 2 s after it left",
            "a sudden brightness change (offset, gain, both) is no motion",
            "lights switched on in most of the frame recalibrate without an event",
            "motion inside an ignored zone is no motion; a watch zone elsewhere sees nothing");
}
