using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>What join.html tells a person whose invitation no longer works.</summary>
public sealed class InvitationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_invitation_of_a_rotated_room_is_refused_in_words_and_the_new_one_works()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var old = await owner.CreateRoomAsync("Home");
        var rotated = await owner.RotateAsync(old);

        foreach (var (role, invitation) in new[] { ("camera", old.CameraInvitation), ("viewer", old.ViewerInvitation) })
        {
            await using var device = await browser.NewDeviceAsync($"{role} with an old invitation");
            await device.GotoAsync(invitation);
            // The page cannot tell a rotated room from a revoked device (both are a refused
            // membership write), so either state is right as long as the sentence names the invitation.
            var (_, sentence) = await device.WaitForStatusAsync(["error", "revoked"]);
            Assert.True(
                sentence.Contains("invitation", StringComparison.OrdinalIgnoreCase),
                $"the {role} page's error does not say the invitation is the problem: '{sentence}'");
            Assert.Contains("/join.html", device.Page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("s=", new Uri(device.Page.Url).Fragment, StringComparison.Ordinal);
        }

        // The current invitations still work: the camera joins and a viewer watches it.
        await using var camera = await browser.StartCameraAsync(rotated);
        await using var viewer = await browser.WatchFromLinkAsync(rotated.ViewerInvitation, "viewer");
    }
}
