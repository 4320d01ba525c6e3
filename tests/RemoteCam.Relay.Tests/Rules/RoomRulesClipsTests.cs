namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: the clips of docs/clips.md. <c>events</c>, <c>thumbs</c> and (database
/// target) <c>clips/{camera}/{clip}/{n}</c> are read by members and written only by that camera, each value
/// once, and deleted by that camera or the room's viewers (the owner's devices); <c>settings/{camera}</c> is
/// written by viewers and that camera itself, and read by members;
/// <c>meta/storage</c> only by the owner (admin).
/// </summary>
public sealed class RoomRulesClipsTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    private const string ClipId = "1765000000000-AbCdEfGhIj";
    private const string Entry = "\"1.aXZpdml2aXZpdml2.ZW50cnk\"";
    private const string Thumb = "\"1.aXZpdml2aXZpdml2.dGh1bWI\"";

    /// <summary>A sealed chunk as the database holds it: base64url text of the largest allowed length by default.</summary>
    private static string Chunk(int length = 349_564, char fill = 'A') => "\"A" + new string(fill, length - 1) + "\"";

    private sealed record Setup(Room Room, User Camera, User OtherCamera, User Viewer, User Stranger)
    {
        public string Event => $"rooms/{Room.Id}/events/{Camera.Uid}/{ClipId}";

        public string Thumb => $"rooms/{Room.Id}/thumbs/{Camera.Uid}/{ClipId}";

        public string Clip => $"rooms/{Room.Id}/clips/{Camera.Uid}/{ClipId}";

        public string Settings => $"rooms/{Room.Id}/settings/{Camera.Uid}";
    }

    private async Task<Setup> SetUpAsync()
    {
        var room = await fixture.CreateRoomAsync();
        return new Setup(
            room,
            await fixture.NewMemberAsync(room, "camera"),
            await fixture.NewMemberAsync(room, "camera"),
            await fixture.NewMemberAsync(room, "viewer"),
            await fixture.SignUpAsync());
    }

    [Fact]
    public async Task A_camera_stores_a_clip_once_every_member_reads_it_and_the_camera_deletes_it()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Event, Entry, s.Camera);
        await fixture.AssertAllowedAsync("PUT", s.Thumb, Thumb, s.Camera);
        await fixture.AssertAllowedAsync("PUT", s.Clip + "/0", Chunk(), s.Camera);
        await fixture.AssertAllowedAsync("PATCH", s.Clip, $$"""{"1":{{Chunk()}},"4095":{{Chunk(40)}}}""", s.Camera);

        foreach (var member in new[] { s.Viewer, s.OtherCamera, s.Camera })
        {
            Assert.Equal(Entry, (await fixture.AssertAllowedAsync("GET", s.Event, null, member)).Body);
            await fixture.AssertAllowedAsync("GET", $"rooms/{s.Room.Id}/events", null, member);
            await fixture.AssertAllowedAsync("GET", $"rooms/{s.Room.Id}/thumbs/{s.Camera.Uid}", null, member);
            Assert.Equal(349_564 + 2, (await fixture.AssertAllowedAsync("GET", s.Clip + "/1", null, member)).Body.Length);
        }

        foreach (var path in new[] { s.Event, s.Thumb, s.Clip, $"rooms/{s.Room.Id}/events", $"rooms/{s.Room.Id}/clips" })
        {
            await fixture.AssertUnreadableAsync(path, s.Stranger);
            await fixture.AssertUnreadableAsync(path, null);
        }

        // Each value is written once: no overwrite, not even by the camera itself.
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Event, "\"1.b3RoZXJvdGhlcm90.b3RoZXI\"", s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Thumb, "\"1.b3RoZXJvdGhlcm90.b3RoZXI\"", s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Clip + "/0", Chunk(100, 'B'), s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Clip, $$"""{"0":{{Chunk(100, 'B')}}}""", s.Camera);

        // The camera deletes one chunk, then the whole clip, its entry and its thumbnail.
        await fixture.AssertAllowedAsync("DELETE", s.Clip + "/4095", null, s.Camera);
        Assert.Equal("null", await fixture.AdminReadAsync(s.Clip + "/4095"));
        await fixture.AssertAllowedAsync("DELETE", s.Clip, null, s.Camera);
        await fixture.AssertAllowedAsync("DELETE", s.Event, null, s.Camera);
        await fixture.AssertAllowedAsync("DELETE", s.Thumb, null, s.Camera);
        Assert.Equal("null", await fixture.AdminReadAsync($"rooms/{s.Room.Id}/clips"));
        Assert.Equal("null", await fixture.AdminReadAsync($"rooms/{s.Room.Id}/events"));
    }

    [Fact]
    public async Task No_one_but_that_camera_writes_or_deletes_its_clips()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Event, Entry, s.Camera);
        await fixture.AssertAllowedAsync("PUT", s.Clip + "/0", Chunk(), s.Camera);
        var foreign = await fixture.NewMemberAsync(await fixture.CreateRoomAsync(), "camera");
        foreach (var who in new[] { s.OtherCamera, s.Viewer, s.Stranger, foreign, null })
        {
            if (who != s.Viewer)
            {
                // The room's viewers (the owner's devices) may delete a clip: below.
                await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Event, null, who);
                await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Clip, null, who);
                await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Clip + "/0", null, who);
            }

            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Clip + "/1", Chunk(), who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Thumb, Thumb, who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/events/{s.Camera.Uid}/1765000000001-AbCdEfGhIj", Entry, who);
        }

        // Only a camera member stores clips, under its own uid: a viewer, a stranger, a foreign camera under theirs are refused.
        foreach (var who in new[] { s.Viewer, s.Stranger, foreign })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/events/{who.Uid}/{ClipId}", Entry, who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/clips/{who.Uid}/{ClipId}/0", Chunk(), who);
        }

        // A viewer of the room deletes the clip (the viewer page's Delete): entry, thumbnail, chunks.
        await fixture.AssertAllowedAsync("PUT", s.Thumb, Thumb, s.Camera);
        await fixture.AssertAllowedAsync("DELETE", s.Event, null, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", s.Thumb, null, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", s.Clip, null, s.Viewer);
        Assert.Equal("null", await fixture.AdminReadAsync(s.Clip));
        await fixture.AssertAllowedAsync("PUT", s.Event, Entry, s.Camera);

        // A camera removed from the room (rotation ends its membership) cannot add or delete any more.
        await fixture.RotateAsync(s.Room);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Clip + "/1", Chunk(), s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Event, null, s.Camera);
    }

    private const string Other = "1765000000002-AbCdEfGhIj";

    public static TheoryData<string, string, string> RefusedValues => new()
    {
        { "chunk number 4096", $"clips/{{cam}}/{Other}/4096", Chunk() },
        { "chunk number with a leading zero", $"clips/{{cam}}/{Other}/01", Chunk() },
        { "chunk number that is not a number", $"clips/{{cam}}/{Other}/x", Chunk() },
        { "chunk over 350,000 characters", $"clips/{{cam}}/{Other}/0", Chunk(350_001) },
        { "chunk too short to be sealed", $"clips/{{cam}}/{Other}/0", Chunk(39) },
        { "chunk with characters outside base64url", $"clips/{{cam}}/{Other}/0", Chunk(1000, '+') },
        { "chunk as a number", $"clips/{{cam}}/{Other}/0", "12345" },
        { "chunk under a malformed clip id", "clips/{cam}/1765000000002-AbCdEfGh/0", Chunk() },
        { "chunks nested deeper", $"clips/{{cam}}/{Other}/0/x", Chunk() },
        { "entry not sealed", $"events/{{cam}}/{Other}", "\"{\\\"clip\\\":1}\"" },
        { "entry over 2,048 characters", $"events/{{cam}}/{Other}", "\"1." + new string('A', 2047) + "\"" },
        { "entry as an object", $"events/{{cam}}/{Other}", """{"s":"1.aXY.eA"}""" },
        { "entry under a malformed clip id", "events/{cam}/1765000000002-AbCdEfGh", Entry },
        { "entry under a clip id without its random part", "events/{cam}/1765000000002", Entry },
        { "thumbnail over 120,000 characters", $"thumbs/{{cam}}/{Other}", "\"1." + new string('A', 119_999) + "\"" },
        { "thumbnail not sealed", $"thumbs/{{cam}}/{Other}", "\"/9j/4AAQSkZJRgABAQ\"" },
    };

    [Theory]
    [MemberData(nameof(RefusedValues))]
    public async Task A_clip_value_outside_the_bounds_is_refused_and_nothing_changes(string because, string where, string body)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Event, Entry, s.Camera);
        var path = $"rooms/{s.Room.Id}/" + where.Replace("{cam}", s.Camera.Uid, StringComparison.Ordinal);
        await fixture.AssertRefusedAsync(s.Room, "PUT", path, body, s.Camera);
        Assert.True(await fixture.AdminReadAsync(path) == "null", because);
        Assert.Equal(Entry, await fixture.AdminReadAsync(s.Event));
    }

    [Fact]
    public async Task Viewers_write_a_cameras_sealed_settings_and_members_read_them()
    {
        var s = await SetUpAsync();
        const string Sealed = "\"1.aXZpdml2aXZpdml2.c2V0dGluZ3M\"";
        await fixture.AssertAllowedAsync("PUT", s.Settings, Sealed, s.Viewer);
        await fixture.AssertAllowedAsync("PUT", s.Settings, "\"1.aXZpdml2aXZpdml2.bmV4dA\"", s.Viewer);
        foreach (var member in new[] { s.Camera, s.OtherCamera, s.Viewer })
        {
            Assert.Equal("\"1.aXZpdml2aXZpdml2.bmV4dA\"", (await fixture.AssertAllowedAsync("GET", s.Settings, null, member)).Body);
        }

        await fixture.AssertUnreadableAsync(s.Settings, s.Stranger);
        await fixture.AssertUnreadableAsync($"rooms/{s.Room.Id}/settings", null);
        // The camera itself writes its own (its page's switch); no other camera, no stranger.
        await fixture.AssertAllowedAsync("PUT", s.Settings, "\"1.aXZpdml2aXZpdml2.bmV4dA\"", s.Camera);
        foreach (var who in new[] { s.OtherCamera, s.Stranger, null })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Settings, Sealed, who);
        }

        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Settings, "\"{\\\"retentionDays\\\":7}\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Settings, "\"1." + new string('A', 16_383) + "\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/settings/{s.Viewer.Uid}", Sealed, s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/settings/{s.Stranger.Uid}", Sealed, s.Viewer);

        // The owner (admin credentials, the CLI) writes them too.
        await fixture.AdminPutAsync(s.Settings, Sealed);
        Assert.Equal(Sealed, await fixture.AdminReadAsync(s.Settings));
    }

    [Fact]
    public async Task Only_the_owner_chooses_where_clips_are_kept_and_members_read_it()
    {
        var s = await SetUpAsync();
        var storage = $"rooms/{s.Room.Id}/meta/storage";
        foreach (var who in new[] { s.Camera, s.Viewer, s.Stranger, null })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", storage, "\"database\"", who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", $"rooms/{s.Room.Id}/meta/bucket", "\"b\"", who);
        }

        await fixture.AdminPutAsync(storage, "\"database\"");
        Assert.Equal("\"database\"", (await fixture.AssertAllowedAsync("GET", storage, null, s.Camera)).Body);
        Assert.Equal("\"database\"", (await fixture.AssertAllowedAsync("GET", storage, null, s.Viewer)).Body);
        await fixture.AssertUnreadableAsync(storage, s.Stranger);
    }
}
