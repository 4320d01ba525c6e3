using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>What join.html tells a person whose invitation does not work, and what to do next.</summary>
public sealed class InvitationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_invitation_of_a_rotated_room_is_refused_in_words_and_the_new_one_works()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var old = await owner.CreateRoomAsync("Home");

        // A phone that joined before the rotation.
        await using var joinedBefore = await browser.NewDeviceAsync("viewer that joined before");
        await joinedBefore.GotoAsync(old.ViewerInvitation);
        await joinedBefore.WaitForStatusAsync("online");
        var rotated = await owner.RotateAsync(old);

        // New devices: a refused invitation is not called a revocation (they never joined), and they are told what to do.
        var fragment = new Uri(old.ViewerInvitation).Fragment;
        var secret = fragment[(fragment.IndexOf("&s=", StringComparison.Ordinal) + 3)..];
        var damaged = old.ViewerInvitation.Replace("&s=" + secret, "&s=" + (secret[0] == 'A' ? 'B' : 'A') + secret[1..], StringComparison.Ordinal);
        foreach (var (what, invitation) in new[] { ("camera", old.CameraInvitation), ("viewer", old.ViewerInvitation), ("damaged viewer", damaged) })
        {
            await using var device = await browser.NewDeviceAsync($"new device with the {what} invitation");
            await device.GotoAsync(invitation);
            var (state, sentence) = await device.WaitForStatusAsync(["error", "revoked"]);
            Assert.Equal("error", state);
            Assert.Contains("This invitation does not open its room", sentence, StringComparison.Ordinal);
            Assert.Contains("ask the owner for a new invitation", sentence, StringComparison.Ordinal);
            Assert.DoesNotContain("revoked", sentence, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("/join.html", device.Page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("s=", new Uri(device.Page.Url).Fragment, StringComparison.Ordinal);
        }

        // A secret cut short does not even parse: said so, with what to do next.
        await using (var device = await browser.NewDeviceAsync("new device with a cut invitation"))
        {
            await device.GotoAsync(old.ViewerInvitation[..^10]);
            var sentence = await device.WaitForStatusAsync("error");
            Assert.Contains("The invitation's secret is damaged. Scan the QR code again", sentence, StringComparison.Ordinal);
        }

        // The phone that had joined may have been revoked: the page cannot tell, and says both.
        await joinedBefore.GotoAsync(old.ViewerInvitation);
        var (_, refused) = await joinedBefore.WaitForStatusAsync(["revoked"]);
        Assert.Contains("or this device was revoked", refused, StringComparison.Ordinal);

        // The current invitations still work: the camera joins and a viewer watches it.
        await using var camera = await browser.StartCameraAsync(rotated);
        await using var viewer = await browser.WatchFromLinkAsync(rotated.ViewerInvitation, "viewer");
    }
}
