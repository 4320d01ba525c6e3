using System.Globalization;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: a camera's presence (<c>cameras/{uid}</c>), written only by that
/// camera, in the bounded shape of docs/protocol.md.
/// </summary>
public sealed class RoomRulesPresenceTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    public static TheoryData<string> AcceptedPresence => new()
    {
        """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":0.5,"charging":false}}""",
        """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"}}""",
        """{"name":"Hall","online":false,"lastSeen":1700000000000,"battery":{"level":0,"charging":true}}""",
        """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":1,"charging":false}}""",
        """{"name":"{name40}","online":true,"lastSeen":{".sv":"timestamp"}}""",
    };

    [Theory]
    [MemberData(nameof(AcceptedPresence))]
    public async Task A_camera_writes_its_own_presence_and_members_see_it(string template)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewMemberAsync(room, "camera");
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var path = $"rooms/{room.Id}/cameras/{camera.Uid}";

        await fixture.AssertAllowedAsync("PUT", path, Fill(template), camera);

        var seen = (await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/cameras", null, viewer)).Json.GetProperty(camera.Uid);
        Assert.True(seen.GetProperty("lastSeen").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(await fixture.AdminReadAsync(path), seen.GetRawText());
    }

    public static TheoryData<string, string> RefusedPresence => new()
    {
        { "battery level below 0", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":-0.01,"charging":false}}""" },
        { "battery level above 1", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":1.01,"charging":false}}""" },
        { "battery level as text", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":"0.5","charging":false}}""" },
        { "charging as text", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":0.5,"charging":"yes"}}""" },
        { "battery without charging", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":0.5}}""" },
        { "battery without level", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"charging":true}}""" },
        { "battery as a number", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":0.5}""" },
        { "an unknown battery child", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":0.5,"charging":false,"temp":30}}""" },
        { "an unknown child", """{"name":"Hall","online":true,"lastSeen":{".sv":"timestamp"},"ip":"10.0.0.2"}""" },
        { "lastSeen in the future", """{"name":"Hall","online":true,"lastSeen":{future}}""" },
        { "lastSeen as text", """{"name":"Hall","online":true,"lastSeen":"now"}""" },
        { "no lastSeen", """{"name":"Hall","online":true}""" },
        { "no online", """{"name":"Hall","lastSeen":{".sv":"timestamp"}}""" },
        { "online as text", """{"name":"Hall","online":"true","lastSeen":{".sv":"timestamp"}}""" },
        { "no name", """{"online":true,"lastSeen":{".sv":"timestamp"}}""" },
        { "an empty name", """{"name":"","online":true,"lastSeen":{".sv":"timestamp"}}""" },
        { "a 41-character name", """{"name":"{name40}x","online":true,"lastSeen":{".sv":"timestamp"}}""" },
        { "not an object", "true" },
    };

    [Theory]
    [MemberData(nameof(RefusedPresence))]
    public async Task A_presence_outside_the_bounds_is_refused_and_the_old_one_stays(string because, string template)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var path = $"rooms/{room.Id}/cameras/{camera.Uid}";
        var before = await fixture.AdminReadAsync(path);

        await fixture.AssertRefusedAsync(room, "PUT", path, Fill(template), camera);
        Assert.True(before == await fixture.AdminReadAsync(path), because);

        // A new camera's first presence is refused just the same.
        var newcomer = await fixture.NewMemberAsync(room, "camera");
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{newcomer.Uid}", Fill(template), newcomer);
    }

    public static TheoryData<string, string, string> RefusedPartialUpdates => new()
    {
        { "battery/level", "PUT", "2" },
        { "battery/charging", "PUT", "1" },
        { "battery/temp", "PUT", "30" },
        { "battery/level", "PUT", "null" },
        { "lastSeen", "PUT", "{future}" },
        { "lastSeen", "PUT", "null" },
        { "online", "PUT", "null" },
        { "extra", "PUT", "1" },
        { "", "PATCH", """{"online":"no"}""" },
        { "", "PATCH", """{"battery/level":-1}""" },
        { "", "PATCH", """{"lastSeen":{".sv":"timestamp"},"extra":1}""" },
    };

    [Theory]
    [MemberData(nameof(RefusedPartialUpdates))]
    public async Task Updates_below_a_presence_face_the_same_bounds(string child, string method, string body)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var path = $"rooms/{room.Id}/cameras/{camera.Uid}" + (child.Length > 0 ? "/" + child : "");

        await fixture.AssertRefusedAsync(room, method, path, Fill(body), camera);
    }

    [Fact]
    public async Task A_heartbeat_and_going_offline_are_partial_updates_the_camera_may_make()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var path = $"rooms/{room.Id}/cameras/{camera.Uid}";

        await fixture.AssertAllowedAsync("PATCH", path, """{"lastSeen":{".sv":"timestamp"},"battery/level":0.25}""", camera);
        await fixture.AssertAllowedAsync("PUT", path + "/online", "false", camera);
        await fixture.AssertAllowedAsync("DELETE", path + "/battery", null, camera);
        var stored = (await fixture.AssertAllowedAsync("GET", path, null, camera)).Json;
        Assert.False(stored.GetProperty("online").GetBoolean());
        Assert.False(stored.TryGetProperty("battery", out _));
        await fixture.AssertAllowedAsync("DELETE", path, null, camera);
        Assert.Equal("null", await fixture.AdminReadAsync(path));
    }

    [Fact]
    public async Task Viewers_strangers_and_other_cameras_cannot_write_presence()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var otherCamera = await fixture.NewMemberAsync(room, "camera");
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var stranger = await fixture.SignUpAsync();
        var presence = RoomRulesFixture.Presence("Fake");

        // A viewer cannot announce itself as a camera.
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{viewer.Uid}", presence, viewer);
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{stranger.Uid}", presence, stranger);
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{stranger.Uid}", presence, null);
        foreach (var who in new[] { viewer, otherCamera, stranger, null })
        {
            await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{camera.Uid}", presence, who);
            await fixture.AssertRefusedAsync(room, "PATCH", $"rooms/{room.Id}/cameras/{camera.Uid}", """{"online":false}""", who);
            await fixture.AssertRefusedAsync(room, "DELETE", $"rooms/{room.Id}/cameras/{camera.Uid}", null, who);
        }

        // A camera of another room is a stranger here.
        var elsewhere = await fixture.CreateRoomAsync();
        var foreign = await fixture.NewMemberAsync(elsewhere, "camera");
        await fixture.AssertRefusedAsync(room, "PUT", $"rooms/{room.Id}/cameras/{foreign.Uid}", presence, foreign);
    }

    private static string Fill(string template) => template
        .Replace("{name40}", new string('n', 40), StringComparison.Ordinal)
        .Replace("{future}", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
