using System.Security.Cryptography;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: calls (<c>calls/{cameraUid}/{callId}</c>): who creates, reads,
/// writes slots of and deletes a call, and the bounds on slots and sealed messages.
/// </summary>
public sealed class RoomRulesCallTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    private const string Offer = """{"created":{".sv":"timestamp"},"v/0":"1.b2ZmZXI.c2VhbGVk"}""";

    /// <summary>A room with an online camera, two viewers and a stranger, and a fresh call id for the first viewer.</summary>
    private sealed record Setup(Room Room, User Camera, User Viewer, User OtherViewer, User Stranger, string CallId)
    {
        public string Inbox => $"rooms/{Room.Id}/calls/{Camera.Uid}";

        public string Call => $"{Inbox}/{CallId}";
    }

    private async Task<Setup> SetUpAsync()
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var other = await fixture.NewMemberAsync(room, "viewer");
        return new Setup(room, camera, viewer, other, await fixture.SignUpAsync(), NewCallId(viewer));
    }

    private static string NewCallId(User viewer, int length = 12) =>
        viewer.Uid + "-" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", length);

    [Fact]
    public async Task A_viewer_streams_its_call_before_it_exists_then_creates_it_with_one_patch_and_the_camera_sees_it()
    {
        var s = await SetUpAsync();
        await using var inbox = await fixture.Relay.ListenAsync(s.Inbox, s.Camera.Auth);
        await inbox.ExpectAsync("put", "/", "null");
        await using var call = await fixture.Relay.ListenAsync(s.Call, s.Viewer.Auth);
        await call.ExpectAsync("put", "/", "null");

        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);

        var created = (await fixture.AssertAllowedAsync("GET", s.Call, null, s.Viewer)).Json;
        Assert.True(created.GetProperty("created").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        // Slot keys are array indices: like Firebase, the relay returns a mostly filled slot list as an array.
        Assert.Equal("""["1.b2ZmZXI.c2VhbGVk"]""", created.GetProperty("v").GetRawText());
        await call.ConvergesToAsync(created.GetRawText());
        await inbox.ConvergesToAsync($$"""{"{{s.CallId}}":{{created.GetRawText()}}}""");

        // The camera answers; the viewer's stream gets it.
        await fixture.AssertAllowedAsync("PUT", s.Call + "/c/0", "\"1.YW5zd2Vy.c2VhbGVk\"", s.Camera);
        await call.ExpectAsync("put", "/c/0", "\"1.YW5zd2Vy.c2VhbGVk\"");
        await fixture.AssertAllowedAsync("PUT", s.Call + "/v/1", "\"1.Y2FuZA.c2VhbGVk\"", s.Viewer);
        await fixture.AssertAllowedAsync("PUT", s.Call + "/c/1", "\"1.Y2FuZA.c2VhbGVk\"", s.Camera);
        await fixture.AssertAllowedAsync("PATCH", s.Call + "/v", """{"2":"1.x","3":"1.y"}""", s.Viewer);
        await fixture.AssertAllowedAsync("GET", s.Call, null, s.Camera);
    }

    [Fact]
    public async Task Creating_a_call_needs_created_with_the_first_message_and_the_camera_s_presence()
    {
        var s = await SetUpAsync();

        // A message without created (the call does not exist) is refused, as is a PUT of the whole call.
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/0", "\"1.offer\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"v/0":"1.offer"}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call, """{"created":{".sv":"timestamp"},"v":{"0":"1.offer"}}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"created":{".sv":"timestamp"},"v/0":"1.offer","x":1}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, $$"""{"created":{{FutureMs}},"v/0":"1.offer"}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"created":"now","v/0":"1.offer"}""", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"created":{".sv":"timestamp"},"v/0":"offer"}""", s.Viewer);

        // No presence, no call: not to a viewer, nor to a camera that went away.
        await fixture.AssertRefusedAsync(s.Room, "PATCH", $"rooms/{s.Room.Id}/calls/{s.OtherViewer.Uid}/{s.CallId}", Offer, s.Viewer);
        var absent = await fixture.NewMemberAsync(s.Room, "camera");
        await fixture.AssertRefusedAsync(s.Room, "PATCH", $"rooms/{s.Room.Id}/calls/{absent.Uid}/{s.CallId}", Offer, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", $"rooms/{s.Room.Id}/cameras/{s.Camera.Uid}", null, s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, Offer, s.Viewer);

        await fixture.AssertAllowedAsync("PUT", $"rooms/{s.Room.Id}/cameras/{s.Camera.Uid}", RoomRulesFixture.Presence(), s.Camera);
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);

        // created is written once.
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/created", "{\".sv\":\"timestamp\"}", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"created":{".sv":"timestamp"},"v/1":"1.again"}""", s.Viewer);
    }

    public static TheoryData<string, string> CallIds => new()
    {
        { "no separator", "{uid}{random}" },
        { "another viewer's uid", "{other}-{random}" },
        { "the camera's uid", "{camera}-{random}" },
        { "a prefix of the uid", "{uidPrefix}-{random}" },
        { "the uid with a suffix", "{uid}x-{random}" },
        { "a random part of 7 characters", "{uid}-abcdefg" },
        { "a random part of 23 characters", "{uid}-abcdefghijklmnopqrstuvw" },
        { "an empty random part", "{uid}-" },
        { "a character outside base64url", "{uid}-abcdefgh~" },
    };

    [Theory]
    [MemberData(nameof(CallIds))]
    public async Task A_viewer_creates_only_calls_whose_id_is_its_uid_a_dash_and_8_to_22_characters(string because, string template)
    {
        var s = await SetUpAsync();
        var callId = template
            .Replace("{uid}", s.Viewer.Uid, StringComparison.Ordinal)
            .Replace("{uidPrefix}", s.Viewer.Uid[..^1], StringComparison.Ordinal)
            .Replace("{other}", s.OtherViewer.Uid, StringComparison.Ordinal)
            .Replace("{camera}", s.Camera.Uid, StringComparison.Ordinal)
            .Replace("{random}", "abcdefgh12", StringComparison.Ordinal);

        await fixture.AssertRefusedAsync(s.Room, "PATCH", $"{s.Inbox}/{callId}", Offer, s.Viewer);
        Assert.True(await fixture.AdminReadAsync($"{s.Inbox}/{callId}") == "null", because);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(22)]
    public async Task Random_parts_of_8_and_22_characters_are_accepted(int length)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", $"{s.Inbox}/{NewCallId(s.Viewer, length)}", Offer, s.Viewer);
    }

    [Fact]
    public async Task Another_viewer_a_stranger_and_a_signed_out_client_cannot_touch_a_call()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);

        foreach (var who in new[] { s.OtherViewer, s.Stranger, null })
        {
            await fixture.AssertUnreadableAsync(s.Call, who);
            await fixture.AssertUnreadableAsync(s.Call + "/v/0", who);
            Assert.Equal(401, await fixture.StreamStatusAsync(s.Call, who));
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", "\"1.evil\"", who);
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/0", "\"1.evil\"", who);
            await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Call, null, who);
        }

        // A stranger cannot open a call of its own either: it is not a member.
        await fixture.AssertRefusedAsync(s.Room, "PATCH", $"{s.Inbox}/{NewCallId(s.Stranger)}", Offer, s.Stranger);
        Assert.Equal(401, await fixture.StreamStatusAsync($"{s.Inbox}/{NewCallId(s.Stranger)}", s.Stranger));
    }

    [Fact]
    public async Task Only_the_camera_streams_its_inbox()
    {
        var s = await SetUpAsync();
        var otherCamera = await fixture.NewOnlineCameraAsync(s.Room);
        await fixture.AssertAllowedAsync("GET", s.Inbox, null, s.Camera);
        Assert.Equal(200, await fixture.StreamStatusAsync(s.Inbox, s.Camera));

        foreach (var who in new[] { s.Viewer, otherCamera, s.Stranger, null })
        {
            await fixture.AssertUnreadableAsync(s.Inbox, who);
            Assert.Equal(401, await fixture.StreamStatusAsync(s.Inbox, who));
        }

        // A viewer has no inbox: a uid that is not a camera member cannot read calls/{uid}.
        await fixture.AssertUnreadableAsync($"rooms/{s.Room.Id}/calls/{s.Viewer.Uid}", s.Viewer);
    }

    [Fact]
    public async Task Each_end_writes_only_its_own_direction_and_each_slot_once()
    {
        var s = await SetUpAsync();
        var otherCamera = await fixture.NewOnlineCameraAsync(s.Room);
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);

        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/0", "\"1.answer\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", "\"1.candidates\"", s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/0", "\"1.answer\"", otherCamera);
        await fixture.AssertAllowedAsync("PUT", s.Call + "/c/0", "\"1.answer\"", s.Camera);
        await fixture.AssertAllowedAsync("PUT", s.Call + "/v/1", "\"1.candidates\"", s.Viewer);

        // Write-once: neither end rewrites a slot, even with the same value.
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/0", "\"1.replaced\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", "\"1.candidates\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/0", "\"1.replaced\"", s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"c/0":"1.replaced","c/1":"1.new"}""", s.Camera);
    }

    public static TheoryData<string, bool> SlotNumbers => new()
    {
        { "0", true },
        { "7", true },
        { "10", true },
        { "42", true },
        { "99", true },
        { "00", false },
        { "01", false },
        { "007", false },
        { "100", false },
        { "123", false },
        { "-1", false },
        { "1e1", false },
        { "x", false },
        { "Infinity", false },
    };

    [Theory]
    [MemberData(nameof(SlotNumbers))]
    public async Task Slots_are_numbered_0_to_99_without_leading_zeros(string n, bool accepted)
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PUT", s.Call + "/created", "{\".sv\":\"timestamp\"}", s.Viewer);
        foreach (var (who, dir) in new[] { (s.Viewer, "v"), (s.Camera, "c") })
        {
            var path = $"{s.Call}/{dir}/{n}";
            if (accepted)
            {
                await fixture.AssertAllowedAsync("PUT", path, "\"1.msg\"", who);
            }
            else
            {
                await fixture.AssertRefusedAsync(s.Room, "PUT", path, "\"1.msg\"", who);
            }
        }
    }

    public static TheoryData<string, string> Messages => new()
    {
        { "a message of another format version", "\"2.abc.def\"" },
        { "plain text", "\"v=0 o=- 1 1 IN IP4 127.0.0.1\"" },
        { "\"1\" without the dot", "\"1abc\"" },
        { "a leading space", "\" 1.abc\"" },
        { "an empty string", "\"\"" },
        { "a number", "1.5" },
        { "a boolean", "true" },
        { "an object", """{"t":"offer","sdp":"1.x"}""" },
        { "16,385 characters", "{long16385}" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Messages_must_be_sealed_strings_starting_with_1_dot_at_most_16384_characters(string because, string json)
    {
        var s = await SetUpAsync();
        var value = json == "{long16385}" ? "\"1." + new string('A', 16_383) + "\"" : json;
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, $$"""{"created":{".sv":"timestamp"},"v/0":{{value}}}""", s.Viewer);
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", value, s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/0", value, s.Camera);
        Assert.True(await fixture.AdminReadAsync(s.Call + "/c") == "null", because);
    }

    [Fact]
    public async Task A_message_of_exactly_16384_characters_is_accepted()
    {
        var s = await SetUpAsync();
        var longest = "1." + new string('A', 16_382);
        await fixture.AssertAllowedAsync("PATCH", s.Call, $$"""{"created":{".sv":"timestamp"},"v/0":"{{longest}}"}""", s.Viewer);
        await fixture.AssertAllowedAsync("PUT", s.Call + "/c/0", $"\"{longest}\"", s.Camera);
        Assert.Equal($"\"{longest}\"", await fixture.AdminReadAsync(s.Call + "/c/0"));
    }

    [Fact]
    public async Task Either_end_deletes_the_whole_call_but_not_single_slots_and_nothing_is_written_into_a_deleted_call()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);
        await fixture.AssertAllowedAsync("PUT", s.Call + "/c/0", "\"1.answer\"", s.Camera);

        foreach (var who in new[] { s.Viewer, s.Camera })
        {
            foreach (var part in new[] { "/v/0", "/c/0", "/v", "/c", "/created" })
            {
                await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Call + part, null, who);
            }

            await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"v/0":null}""", who);
        }

        // The viewer hangs up; the stragglers of both ends bounce off the deleted call.
        await fixture.AssertAllowedAsync("DELETE", s.Call, null, s.Viewer);
        Assert.Equal("null", await fixture.AdminReadAsync(s.Call));
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", "\"1.late\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/c/1", "\"1.late\"", s.Camera);
        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"c/1":"1.late","v/1":"1.late"}""", s.Camera);

        // The camera deletes a call it gives up on.
        var second = NewCallId(s.Viewer);
        await fixture.AssertAllowedAsync("PATCH", $"{s.Inbox}/{second}", Offer, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", $"{s.Inbox}/{second}", null, s.Camera);
        Assert.Equal("null", await fixture.AdminReadAsync($"{s.Inbox}/{second}"));

        // Deleting a call that is already gone is harmless.
        await fixture.AssertAllowedAsync("DELETE", s.Call, null, s.Viewer);
    }

    [Fact]
    public async Task When_the_camera_hangs_up_the_viewer_s_stream_sees_the_call_vanish_and_stays_open()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);
        await using var call = await fixture.Relay.ListenAsync(s.Call, s.Viewer.Auth);
        Assert.Equal("put", (await call.NextDataEventAsync()).Event);

        await fixture.AssertAllowedAsync("DELETE", s.Call, null, s.Camera);
        await call.ExpectAsync("put", "/", "null");

        // Still readable (it is the viewer's call id), so calling again on the same stream works.
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);
        await call.ConvergesToAsync(await fixture.AdminReadAsync(s.Call));
    }

    [Fact]
    public async Task Unknown_children_of_a_call_are_refused()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);

        foreach (var (who, path) in new[] { (s.Viewer, "/bye"), (s.Camera, "/bye"), (s.Viewer, "/v/0/x"), (s.Camera, "/answer"), (s.Viewer, "/x/0") })
        {
            await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + path, "\"1.x\"", who);
        }

        await fixture.AssertRefusedAsync(s.Room, "PATCH", s.Call, """{"v/1":"1.x","state":"ringing"}""", s.Viewer);
    }

    [Fact]
    public async Task A_viewer_that_loses_its_membership_can_no_longer_write_or_read_its_call_but_the_camera_can_end_it()
    {
        var s = await SetUpAsync();
        await fixture.AssertAllowedAsync("PATCH", s.Call, Offer, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", $"rooms/{s.Room.Id}/members/{s.Viewer.Uid}", null, s.Viewer);

        await fixture.AssertUnreadableAsync(s.Call, s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "PUT", s.Call + "/v/1", "\"1.x\"", s.Viewer);
        await fixture.AssertRefusedAsync(s.Room, "DELETE", s.Call, null, s.Viewer);
        await fixture.AssertAllowedAsync("DELETE", s.Call, null, s.Camera);
    }

    private static string FutureMs => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
