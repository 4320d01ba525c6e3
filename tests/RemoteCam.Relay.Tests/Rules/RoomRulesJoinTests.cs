namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: joining a room (PUT members/{uid} with the invitation's proof),
/// leaving it, and what a refused join leaves behind (nothing).
/// </summary>
public sealed class RoomRulesJoinTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    /// <summary>Memberships the rules accept; placeholders are filled per room.</summary>
    public static TheoryData<string, string> AcceptedMemberships => new()
    {
        { "viewer with the viewer proof", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "camera with the camera proof", """{"role":"camera","name":"Old phone","joined":{".sv":"timestamp"},"proof":"{cameraProof}"}""" },
        { "one-character name", """{"role":"viewer","name":"P","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "40-character name", """{"role":"viewer","name":"{name40}","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "joined in the past", """{"role":"camera","name":"Phone","joined":1700000000000,"proof":"{cameraProof}"}""" },
    };

    [Theory]
    [MemberData(nameof(AcceptedMemberships))]
    public async Task A_device_joins_with_the_proof_of_its_role(string because, string template)
    {
        var room = await fixture.CreateRoomAsync("Flat");
        var user = await fixture.SignUpAsync();
        var path = $"rooms/{room.Id}/members/{user.Uid}";
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", user);

        await fixture.AssertAllowedAsync("PUT", path, Fill(template, room), user);

        var stored = (await fixture.AssertAllowedAsync("GET", path, null, user)).Json;
        Assert.True(stored.GetProperty("joined").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), because);
        Assert.Equal("Flat", (await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/meta", null, user)).Json.GetProperty("name").GetString());
        await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/cameras", null, user);
    }

    /// <summary>Memberships the rules refuse; placeholders are filled per room.</summary>
    public static TheoryData<string, string> RefusedMemberships => new()
    {
        { "a wrong proof", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{randomProof}"}""" },
        { "the camera proof for the viewer role", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{cameraProof}"}""" },
        { "a viewer invitation's proof for the camera role", """{"role":"camera","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "another room's viewer proof", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{otherViewerProof}"}""" },
        { "another room's camera proof", """{"role":"camera","name":"Phone","joined":{".sv":"timestamp"},"proof":"{otherCameraProof}"}""" },
        { "the viewer secret instead of its proof", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerSecret}"}""" },
        { "no role", """{"name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "no name", """{"role":"viewer","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "no joined", """{"role":"viewer","name":"Phone","proof":"{viewerProof}"}""" },
        { "no proof", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"}}""" },
        { "an extra field", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}","admin":true}""" },
        { "an empty name", """{"role":"viewer","name":"","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "a 41-character name", """{"role":"viewer","name":"{name40}x","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "a name that is a number", """{"role":"viewer","name":7,"joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "joined in the future", """{"role":"viewer","name":"Phone","joined":{future},"proof":"{viewerProof}"}""" },
        { "joined as text", """{"role":"viewer","name":"Phone","joined":"today","proof":"{viewerProof}"}""" },
        { "an unknown role", """{"role":"owner","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}"}""" },
        { "a role path", """{"role":"viewer/../camera","name":"Phone","joined":{".sv":"timestamp"},"proof":"{cameraProof}"}""" },
        { "a proof that is not text", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":1}""" },
        { "a proof with a character more", """{"role":"viewer","name":"Phone","joined":{".sv":"timestamp"},"proof":"{viewerProof}A"}""" },
        { "not an object", "\"viewer\"" },
    };

    [Theory]
    [MemberData(nameof(RefusedMemberships))]
    public async Task A_membership_without_the_right_proof_or_shape_is_refused(string because, string template)
    {
        var room = await fixture.CreateRoomAsync();
        var user = await fixture.SignUpAsync();
        var path = $"rooms/{room.Id}/members/{user.Uid}";

        var body = Fill(template, room);
        await fixture.AssertRefusedAsync(room, "PUT", path, body, user);
        if (body.StartsWith('{'))
        {
            await fixture.AssertRefusedAsync(room, "PATCH", path, body, user);
        }

        Assert.True(await fixture.AdminReadAsync(path) == "null", because);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", user);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/cameras", user);
    }

    [Fact]
    public async Task A_member_may_rename_itself_but_not_change_its_role_proof_or_join_time_badly()
    {
        var room = await fixture.CreateRoomAsync();
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var path = $"rooms/{room.Id}/members/{viewer.Uid}";

        await fixture.AssertAllowedAsync("PATCH", path, """{"name":"Kitchen tablet"}""", viewer);
        await fixture.AssertAllowedAsync("PUT", path + "/name", "\"Tablet\"", viewer);
        await fixture.AssertRefusedAsync(room, "PATCH", path, """{"role":"camera"}""", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/role", "\"camera\"", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/proof", $"\"{room.CameraProof}\"", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/proof", "null", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/name", "null", viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/joined", Future, viewer);
        await fixture.AssertRefusedAsync(room, "PUT", path + "/extra", "1", viewer);
        Assert.Equal("Tablet", (await fixture.AssertAllowedAsync("GET", path, null, viewer)).Json.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Nobody_writes_or_deletes_another_device_s_membership()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewMemberAsync(room, "camera");
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var stranger = await fixture.SignUpAsync();
        var cameraPath = $"rooms/{room.Id}/members/{camera.Uid}";

        foreach (var who in new[] { viewer, stranger, null })
        {
            // Even with a valid proof, a membership is written only by its own uid.
            await fixture.AssertRefusedAsync(room, "PUT", cameraPath, RoomRulesFixture.Membership("viewer", room.ViewerProof), who);
            await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{stranger.Uid}", RoomRulesFixture.Membership("viewer", room.ViewerProof), who == stranger ? viewer : who);
            await fixture.AssertRefusedAsync(room, "PATCH", cameraPath, """{"name":"Mine now"}""", who);
            await fixture.AssertRefusedAsync(room, "DELETE", cameraPath, null, who);
        }

        // A multi-path update that smuggles another device's membership in with one's own is refused whole.
        await fixture.AssertRefusedAsync(room, "PATCH", $"rooms/{room.Id}/members",
            $$"""{"{{stranger.Uid}}":{{RoomRulesFixture.Membership("viewer", room.ViewerProof)}},"{{viewer.Uid}}/name":"Renamed"}""", viewer);
        await fixture.AssertAllowedAsync("GET", cameraPath, null, camera);
    }

    [Fact]
    public async Task A_revoked_uid_cannot_join_even_with_a_valid_invitation()
    {
        var room = await fixture.CreateRoomAsync();
        var revoked = await fixture.SignUpAsync();
        var other = await fixture.SignUpAsync();
        await fixture.AdminPutAsync($"rooms/{room.Id}/revoked/{revoked.Uid}", "true");

        foreach (var role in new[] { "viewer", "camera" })
        {
            await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{revoked.Uid}", RoomRulesFixture.Membership(role, room.ProofFor(role)), revoked);
        }

        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", revoked);
        await fixture.JoinAsync(room, other, "viewer");

        // Lifting the revocation (admin) lets the same uid join again.
        await fixture.AdminDeleteAsync($"rooms/{room.Id}/revoked/{revoked.Uid}");
        await fixture.JoinAsync(room, revoked, "viewer");
    }

    [Fact]
    public async Task A_member_may_leave_by_deleting_its_own_membership_and_then_reads_nothing()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        await fixture.AdminPutAsync($"rooms/{room.Id}/revoked/{camera.Uid}", "true");

        foreach (var member in new[] { viewer, camera })
        {
            await fixture.AssertAllowedAsync("DELETE", $"rooms/{room.Id}/members/{member.Uid}", null, member);
            Assert.Equal("null", await fixture.AdminReadAsync($"rooms/{room.Id}/members/{member.Uid}"));
            await fixture.AssertUnreadableAsync($"rooms/{room.Id}/meta", member);
            await fixture.AssertUnreadableAsync($"rooms/{room.Id}/cameras", member);
        }

        // The camera's presence outlives its membership, but it can no longer change it.
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{camera.Uid}", RoomRulesFixture.Presence(), camera);
    }

    [Fact]
    public async Task A_room_that_was_never_created_or_was_deleted_cannot_be_joined()
    {
        var room = Room.New();
        var user = await fixture.SignUpAsync();
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/members/{user.Uid}", RoomRulesFixture.Membership("viewer", room.ViewerProof), user);

        var deleted = await fixture.CreateRoomAsync();
        await fixture.AdminDeleteAsync($"rooms/{deleted.Id}");
        await fixture.AdminDeleteAsync($"pairing/{deleted.Id}");
        await fixture.AssertRefusedAsync(deleted, "PUT", $"rooms/{deleted.Id}/members/{user.Uid}", RoomRulesFixture.Membership("camera", deleted.CameraProof), user);
    }

    private static string Future => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Fill(string template, Room room)
    {
        var other = Room.New();
        return template
            .Replace("{viewerProof}", room.ViewerProof, StringComparison.Ordinal)
            .Replace("{cameraProof}", room.CameraProof, StringComparison.Ordinal)
            .Replace("{otherViewerProof}", other.ViewerProof, StringComparison.Ordinal)
            .Replace("{otherCameraProof}", other.CameraProof, StringComparison.Ordinal)
            .Replace("{randomProof}", Pairing.Proof(Pairing.NewSecret(), room.Id, "viewer"), StringComparison.Ordinal)
            .Replace("{viewerSecret}", System.Buffers.Text.Base64Url.EncodeToString(room.ViewerSecret), StringComparison.Ordinal)
            .Replace("{name40}", new string('n', 40), StringComparison.Ordinal)
            .Replace("{future}", Future, StringComparison.Ordinal);
    }
}
