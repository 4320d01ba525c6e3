using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The control channel's protocol, the quality presets and the connection details, run by Node on the pages' own
/// modules (web/test/control.mjs): what protocol v1 accepts and ignores, what a preset sets on a sender, how a
/// path and its rates are read from getStats.
/// </summary>
public sealed class ControlProtocolTests
{
    [Fact]
    public Task Control_messages_are_checked_presets_set_the_sender_and_details_come_from_getStats() =>
        NodeScript.RunAsync(
            "control.mjs",
            "every message of protocol v1 is accepted as sent",
            "other versions, unknown types, wrong fields and oversized text are ignored",
            "presets scale down, cap frame rate and bitrate; auto removes the limits; pause makes the encoding inactive",
            "the path is named from the selected pair; rates come from two samples");
}
