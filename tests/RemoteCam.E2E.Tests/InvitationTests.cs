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

    [Fact]
    public async Task An_invitation_of_its_own_works_once_and_says_why_when_used_expired_or_cancelled()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);

        async Task<(string Url, string Id)> InviteAsync(params string[] options)
        {
            var made = await owner.RunJsonAsync(["rooms", "invite", room.Id, "--role", "viewer", .. options]);
            return (made.GetProperty("url").GetString()!, made.GetProperty("id").GetString()!);
        }

        async Task<string> RefusedAsync(string invitation, string who)
        {
            await using var device = await browser.NewDeviceAsync(who);
            await device.GotoAsync(invitation);
            var (state, sentence) = await device.WaitForStatusAsync(["error", "revoked", "online"]);
            Assert.True(state == "error", $"{who}: {state} '{sentence}'");
            Assert.Contains("/join.html", device.Page.Url, StringComparison.Ordinal);
            Assert.Contains(sentence, await device.Page.Locator("#message").TextContentAsync() ?? "", StringComparison.Ordinal);
            return sentence;
        }

        // Used once: the first device watches; a second device is told it was used, and what to do.
        var (once, onceId) = await InviteAsync();
        await using var first = await browser.WatchFromLinkAsync(once, "first viewer");
        var used = await RefusedAsync(once, "second device with the same invitation");
        Assert.Contains("This invitation was already used", used, StringComparison.Ordinal);
        Assert.Contains("Ask the owner for a new invitation", used, StringComparison.Ordinal);

        // Expired: made 2 minutes ago with a 1-minute lifetime (its creation time moved back, as if the clock had run).
        var (late, lateId) = await InviteAsync("--expires", "1m");
        var created = (await relay.AdminReadAsync($"pairing/{room.Id}/invites/{lateId}/info/created")).GetInt64();
        await relay.AdminWriteAsync($"pairing/{room.Id}/invites/{lateId}/info/created", (created - 120_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("This invitation expired", await RefusedAsync(late, "device with an expired invitation"), StringComparison.Ordinal);

        // Cancelled by the owner.
        var (cancelled, cancelledId) = await InviteAsync();
        await owner.RunJsonAsync("rooms", "invitations", "revoke", room.Id, cancelledId);
        Assert.Contains("This invitation was cancelled", await RefusedAsync(cancelled, "device with a cancelled invitation"), StringComparison.Ordinal);

        // The camera page's "Invite a viewer" makes an invitation of the same kind: one viewer, once.
        await camera.Page.Locator("#invite").ClickAsync();
        var link = camera.Page.Locator("#invite-link");
        var fromCamera = await Eventually.WaitAsync(
            async () => await link.GetAttributeAsync("href") ?? "",
            url => url.Contains("join.html#v=2&", StringComparison.Ordinal),
            Device.ConnectTime,
            async url => $"#invite-link is '{url}'.\n{await camera.DiagnosticsAsync()}");
        await using (var invited = await browser.NewDeviceAsync("viewer invited by the camera"))
        {
            await invited.GotoAsync(fromCamera);
            await Eventually.WaitAsync(
                () => Task.FromResult(invited.Page.Url),
                url => url.Contains("/viewer.html", StringComparison.Ordinal),
                Device.ConnectTime,
                async url => $"still at {url}.\n{await invited.DiagnosticsAsync()}");
        }

        Assert.Contains("This invitation was already used", await RefusedAsync(fromCamera, "second device with the camera's invitation"), StringComparison.Ordinal);

        // The room's members keep working without pairing again: the first viewer still gets live video from the camera.
        await first.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectFramesGrowAsync(Device.CameraPreview, gain: 5);
        var states = await owner.RunJsonAsync("rooms", "invitations", room.Id);
        var state = states.GetProperty("invitations").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("state").GetString()!);
        Assert.Equal("used", state[onceId]);
        Assert.Equal("expired", state[lateId]);
        Assert.Equal("cancelled", state[cancelledId]);
        Assert.Equal("used", state[SealedEnvelope.FragmentField(fromCamera, "i")]);
    }
}
