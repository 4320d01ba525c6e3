using System.Globalization;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: still pictures for viewers without a live path (docs/protocol.md "Still
/// pictures"): <c>stills/{cameraUid}</c>, written only by that camera in a bounded shape and read by members,
/// and <c>wants/{cameraUid}/{viewerUid}</c>, set to the server's time or deleted only by that viewer and read
/// only by that viewer and that camera.
/// </summary>
public sealed class RoomRulesStillsTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    private const string Still = """{"n":1700000000000,"at":{".sv":"timestamp"},"s":"1.aXY.c2VhbGVk"}""";
    private const string Now = """{".sv":"timestamp"}""";

    /// <summary>A room with an online camera, another camera, two viewers and a stranger.</summary>
    private sealed record Setup(Room Room, User Camera, User OtherCamera, User Viewer, User OtherViewer, User Stranger)
    {
        public string Stills => $"rooms/{Room.Id}/stills/{Camera.Uid}";

        public string Wants => $"rooms/{Room.Id}/wants/{Camera.Uid}";

        public string Want => $"{Wants}/{Viewer.Uid}";
    }

    private async Task<Setup> SetUpAsync()
    {
        var room = await fixture.CreateRoomAsync();
        return new Setup(
            room,
            await fixture.NewOnlineCameraAsync(room),
            await fixture.NewMemberAsync(room, "camera"),
            await fixture.NewMemberAsync(room, "viewer"),
            await fixture.NewMemberAsync(room, "viewer"),
            await fixture.SignUpAsync());
    }

    [Fact]
    public async Task A_camera_posts_its_sealed_still_and_every_member_but_no_stranger_reads_it()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Stills, Still, s.Camera);

        var stored = (await fixture.AssertAllowedAsync("GET", s.Stills, null, s.Viewer)).Json;
        Assert.Equal(1700000000000, stored.GetProperty("n").GetInt64());
        Assert.InRange(stored.GetProperty("at").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(await fixture.AdminReadAsync(s.Stills), stored.GetRawText());
        await fixture.AssertAllowedAsync("GET", $"rooms/{s.Room.Id}/stills", null, s.OtherCamera);
        await fixture.AssertAllowedAsync("GET", s.Stills, null, s.OtherViewer);
        await fixture.AssertUnreadableAsync(s.Stills, s.Stranger);
        await fixture.AssertUnreadableAsync(s.Stills, null);
        await fixture.AssertUnreadableAsync($"rooms/{s.Room.Id}/stills", s.Stranger);

        // The next still replaces it, a sealed value of the largest allowed size included; the camera may delete it.
        var largest = "1." + new string('A', 120_000 - 2);
        await fixture.AssertAllowedAsync("PUT", s.Stills, $$"""{"n":1700000003000,"at":{".sv":"timestamp"},"s":"{{largest}}"}""", s.Camera);
        await fixture.AssertAllowedAsync("PATCH", s.Stills, """{"n":1700000006000,"at":{".sv":"timestamp"},"s":"1.bmV4dA.c2VhbGVk"}""", s.Camera);
        Assert.Equal(1700000006000, (await fixture.AssertAllowedAsync("GET", s.Stills + "/n", null, s.Viewer)).Json.GetInt64());
        await fixture.AssertAllowedAsync("DELETE", s.Stills, null, s.Camera);
        Assert.Equal("null", await fixture.AdminReadAsync(s.Stills));
    }

    public static TheoryData<string, string> RefusedStills => new()
    {
        { "a negative n", """{"n":-1,"at":{".sv":"timestamp"},"s":"1.aXY.c2VhbGVk"}""" },
        { "n as text", """{"n":"5","at":{".sv":"timestamp"},"s":"1.aXY.c2VhbGVk"}""" },
        { "at in the past", """{"n":5,"at":{past},"s":"1.aXY.c2VhbGVk"}""" },
        { "at in the future", """{"n":5,"at":{future},"s":"1.aXY.c2VhbGVk"}""" },
        { "at as text", """{"n":5,"at":"now","s":"1.aXY.c2VhbGVk"}""" },
        { "an unsealed picture", """{"n":5,"at":{".sv":"timestamp"},"s":"/9j/4AAQSkZJRgABAQ"}""" },
        { "a sealed value over 120,000 characters", """{"n":5,"at":{".sv":"timestamp"},"s":"{tooLong}"}""" },
        { "s as a number", """{"n":5,"at":{".sv":"timestamp"},"s":1}""" },
        { "no n", """{"at":{".sv":"timestamp"},"s":"1.aXY.c2VhbGVk"}""" },
        { "no at", """{"n":5,"s":"1.aXY.c2VhbGVk"}""" },
        { "no s", """{"n":5,"at":{".sv":"timestamp"}}""" },
        { "an unknown child", """{"n":5,"at":{".sv":"timestamp"},"s":"1.aXY.c2VhbGVk","jpeg":"/9j/"}""" },
        { "not an object", "\"1.aXY.c2VhbGVk\"" },
    };

    [Theory]
    [MemberData(nameof(RefusedStills))]
    public async Task A_still_outside_the_bounds_is_refused_and_the_stored_one_stays(string because, string template)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Stills, Still, s.Camera);
        var before = await fixture.AdminReadAsync(s.Stills);

        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Stills, Fill(template), s.Camera);
        Assert.True(before == await fixture.AdminReadAsync(s.Stills), because);
    }

    public static TheoryData<string, string, string> RefusedPartialStills => new()
    {
        { "n", "PUT", "-5" },
        { "at", "PUT", "{past}" },
        { "s", "PUT", "\"plain\"" },
        { "s", "PUT", "null" },
        { "extra", "PUT", "1" },
        { "", "PATCH", """{"n":7,"at":{".sv":"timestamp"},"s":"1.x","extra":1}""" },
        { "", "PATCH", """{"at":{past}}""" },
    };

    [Theory]
    [MemberData(nameof(RefusedPartialStills))]
    public async Task Updates_below_a_still_face_the_same_bounds(string child, string method, string body)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Stills, Still, s.Camera);
        await fixture.AssertRefusedAsync(s.Room, method, s.Stills + (child.Length > 0 ? "/" + child : ""), Fill(body), s.Camera);
    }

    [Fact]
    public async Task Only_that_camera_writes_its_stills()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Stills, Still, s.Camera);
        var foreign = await fixture.NewMemberAsync(await fixture.CreateRoomAsync(), "camera");
        foreach (var who in new[] { s.OtherCamera, s.Viewer, s.Stranger, foreign, null })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Stills, Still, who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Stills + "/n", "1800000000000", who);
            await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Stills, null, who);
        }

        // Only camera members post stills at all: a viewer or a stranger under its own uid is refused.
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/stills/{s.Viewer.Uid}", Still, s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/stills/{s.Stranger.Uid}", Still, s.Stranger);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/stills/{foreign.Uid}", Still, foreign);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/stills", $$"""{"{{s.Camera.Uid}}":{{Still}}}""", s.Camera);
    }

    [Fact]
    public async Task A_viewer_sets_its_want_to_the_server_time_the_camera_streams_the_wants_and_the_viewer_deletes_it()
    {
        var s = await SetUpAsync();
        await using var wants = await fixture.Relay.ListenAsync(s.Wants, s.Camera.Auth);
        await wants.ExpectAsync("put", "/", "null");

        await fixture.AssertAllowedAsync("PUT", s.Want, Now, s.Viewer);
        var at = (await fixture.AssertAllowedAsync("GET", s.Want, null, s.Viewer)).Json.GetInt64();
        Assert.InRange(at, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await wants.ConvergesToAsync($$"""{"{{s.Viewer.Uid}}":{{at}}}""");

        // A refresh is another write of the server's time; the other viewer's want sits beside it.
        await fixture.AssertAllowedAsync("PUT", s.Want, Now, s.Viewer);
        await fixture.AssertAllowedAsync("PUT", $"{s.Wants}/{s.OtherViewer.Uid}", Now, s.OtherViewer);
        var both = (await fixture.AssertAllowedAsync("GET", s.Wants, null, s.Camera)).Json;
        Assert.Equal(2, both.EnumerateObject().Count());

        await fixture.AssertAllowedAsync("DELETE", s.Want, null, s.Viewer);
        Assert.Equal("null", await fixture.AdminReadAsync(s.Want));
        Assert.NotEqual("null", await fixture.AdminReadAsync($"{s.Wants}/{s.OtherViewer.Uid}"));
    }

    [Fact]
    public async Task Wants_are_read_only_by_their_viewer_and_their_camera()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Want, Now, s.Viewer);

        await fixture.AssertAllowedAsync("GET", s.Wants, null, s.Camera);
        await fixture.AssertAllowedAsync("GET", s.Want, null, s.Viewer);
        await fixture.AssertUnreadableAsync(s.Wants, s.Viewer);
        foreach (var who in new[] { s.OtherViewer, s.OtherCamera, s.Stranger, null })
        {
            await fixture.AssertUnreadableAsync(s.Wants, who);
            await fixture.AssertUnreadableAsync(s.Want, who);
        }

        await fixture.AssertUnreadableAsync($"rooms/{s.Room.Id}/wants", s.Camera);
        Assert.Equal(401, await fixture.StreamStatusAsync(s.Wants, s.OtherCamera));
    }

    public static TheoryData<string, string> RefusedWants => new()
    {
        { "a time in the past", "{past}" },
        { "a time in the future", "{future}" },
        { "text", "\"now\"" },
        { "true", "true" },
        { "an object", """{"at":{".sv":"timestamp"}}""" },
    };

    [Theory]
    [MemberData(nameof(RefusedWants))]
    public async Task A_want_other_than_the_server_time_is_refused_and_the_stored_one_stays(string because, string template)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Want, Now, s.Viewer);
        var before = await fixture.AdminReadAsync(s.Want);

        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Want, Fill(template), s.Viewer);
        Assert.True(before == await fixture.AdminReadAsync(s.Want), because);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"{s.Wants}/{s.OtherViewer.Uid}", Fill(template), s.OtherViewer);
    }

    [Fact]
    public async Task Only_that_viewer_sets_or_deletes_its_want()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Want, Now, s.Viewer);
        var foreign = await fixture.NewMemberAsync(await fixture.CreateRoomAsync(), "viewer");
        foreach (var who in new[] { s.OtherViewer, s.Camera, s.OtherCamera, s.Stranger, foreign, null })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Want, Now, who);
            await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Want, null, who);
        }

        // Wanting needs a viewer membership of this room, and a want cannot be written above its own place.
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"{s.Wants}/{s.OtherCamera.Uid}", Now, s.OtherCamera);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"{s.Wants}/{s.Stranger.Uid}", Now, s.Stranger);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"{s.Wants}/{foreign.Uid}", Now, foreign);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Wants, $$"""{"{{s.Viewer.Uid}}":{{Now}}}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Wants, null, s.Camera);
    }

    private static string Fill(string template)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return template
            .Replace("{past}", (now - 60_000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{future}", (now + 3_600_000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{tooLong}", "1." + new string('A', 120_001 - 2), StringComparison.Ordinal);
    }
}
