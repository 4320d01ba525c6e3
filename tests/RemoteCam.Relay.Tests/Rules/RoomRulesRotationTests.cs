namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: rotating a room (new proofs) and revoking a device end access at
/// once, including open event streams, which get <c>cancel</c>.
/// </summary>
public sealed class RoomRulesRotationTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    [Fact]
    public async Task Rotation_ends_every_membership_and_open_streams_until_the_device_joins_with_a_new_invitation()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        await using var presence = await fixture.Relay.ListenAsync($"rooms/{room.Id}/cameras", viewer.Auth);
        await using var inbox = await fixture.Relay.ListenAsync($"rooms/{room.Id}/calls/{camera.Uid}", camera.Auth);
        Assert.Equal("put", (await presence.NextDataEventAsync()).Event);
        Assert.Equal("put", (await inbox.NextDataEventAsync()).Event);

        var rotated = await fixture.RotateAsync(room);

        await RoomRulesFixture.AssertCancelledAsync(presence);
        await RoomRulesFixture.AssertCancelledAsync(inbox);
        foreach (var former in new[] { viewer, camera })
        {
            await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", former);
            await fixture.AssertUnreadableAsync($"rooms/{room.Id}/cameras", former);
            Assert.Equal(401, await fixture.StreamStatusAsync($"rooms/{room.Id}/cameras", former));
        }

        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/calls/{camera.Uid}", camera);
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{camera.Uid}", RoomRulesFixture.Presence(), camera);

        // The old invitation no longer works, not even for a device that never joined.
        var late = await fixture.SignUpAsync();
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{late.Uid}", RoomRulesFixture.Membership("viewer", room.ViewerProof), late);
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{viewer.Uid}", RoomRulesFixture.Membership("viewer", room.ViewerProof), viewer);

        // The new invitations work, for former members (same uid) and new devices alike.
        await fixture.JoinAsync(rotated, viewer, "viewer");
        await fixture.JoinAsync(rotated, camera, "camera");
        await fixture.JoinAsync(rotated, late, "viewer");
        await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/meta", null, viewer);
        await fixture.AssertAllowedAsync("PUT", $"rooms/{room.Id}/cameras/{camera.Uid}", RoomRulesFixture.Presence(), camera);
        await using var again = await fixture.Relay.ListenAsync($"rooms/{room.Id}/cameras", late.Auth);
        Assert.Equal("put", (await again.NextDataEventAsync()).Event);
    }

    [Fact]
    public async Task Revoking_a_device_denies_its_reads_and_cancels_its_streams_others_keep_theirs()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var kept = await fixture.NewMemberAsync(room, "viewer");
        var callId = viewer.Uid + "-revocation1";
        await using var presence = await fixture.Relay.ListenAsync($"rooms/{room.Id}/cameras", viewer.Auth);
        await using var call = await fixture.Relay.ListenAsync($"rooms/{room.Id}/calls/{camera.Uid}/{callId}", viewer.Auth);
        await using var keptPresence = await fixture.Relay.ListenAsync($"rooms/{room.Id}/cameras", kept.Auth);
        Assert.Equal("put", (await presence.NextDataEventAsync()).Event);
        Assert.Equal("put", (await call.NextDataEventAsync()).Event);
        Assert.Equal("put", (await keptPresence.NextDataEventAsync()).Event);

        // remotecam rooms revoke: the membership goes, and the uid is barred from joining again.
        await fixture.AdminPutAsync($"rooms/{room.Id}/revoked/{viewer.Uid}", "true");
        await fixture.AdminDeleteAsync($"rooms/{room.Id}/members/{viewer.Uid}");

        await RoomRulesFixture.AssertCancelledAsync(presence);
        await RoomRulesFixture.AssertCancelledAsync(call);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", viewer);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/cameras", viewer);
        await fixture.AssertRefusedAsync(room, "PATCH", $"rooms/{room.Id}/calls/{camera.Uid}/{callId}", """{"created":{".sv":"timestamp"},"v/0":"1.offer"}""", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{viewer.Uid}", RoomRulesFixture.Membership("viewer", room.ViewerProof), viewer);

        // The other viewer's stream carries on: a camera update reaches it, not a cancel.
        await fixture.AssertAllowedAsync("PUT", $"rooms/{room.Id}/cameras/{camera.Uid}/online", "false", camera);
        SseEvent next;
        do
        {
            next = await keptPresence.NextAsync();
        }
        while (next.Event == "keep-alive");
        Assert.Equal("put", next.Event);
        Assert.Equal($"/{camera.Uid}/online", next.Path);
        await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/meta", null, kept);
    }

    [Fact]
    public async Task A_membership_removed_without_a_revocation_may_join_again_with_the_invitation()
    {
        var room = await fixture.CreateRoomAsync();
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        await fixture.AdminDeleteAsync($"rooms/{room.Id}/members/{viewer.Uid}");
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", viewer);

        // As pairing.md says: revoke a lost device *and* rotate; a bare removal is not a ban.
        await fixture.JoinAsync(room, viewer, "viewer");
        await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/meta", null, viewer);
    }
}
