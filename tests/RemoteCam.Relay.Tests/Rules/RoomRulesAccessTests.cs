namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json over HTTP: what signed-out clients, strangers and members may read, and
/// that nothing above one room's children (the database root, /rooms, /pairing) is readable.
/// </summary>
public sealed class RoomRulesAccessTests(RoomRulesFixture fixture) : IClassFixture<RoomRulesFixture>
{
    [Fact]
    public void The_proofs_match_pairing_md_s_test_vector()
    {
        var secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal("tOX4YpWkbLH2RU9OaB-UqxazjRolL6J09tyEKj9cVWs", Pairing.Proof(secret, "AAAAAAAAAAAAAAAAAAAA", "camera"));
        Assert.Equal("d9DbUF0ODVDVb8FSwv3Nl2DJLDndSUvpfB9xTFVybyg", Pairing.Proof(secret, "AAAAAAAAAAAAAAAAAAAA", "viewer"));
    }

    /// <summary>Paths nobody but the admin reads: not signed-out clients, not strangers, not even members.</summary>
    public static TheoryData<string> NeverReadable => new()
    {
        "",
        "rooms",
        "pairing",
        "pairing/{room}",
        "pairing/{room}/camera",
        "pairing/{room}/viewer",
        "rooms/{room}",
        "rooms/{room}/members",
        "rooms/{room}/members/{camera}",
        "rooms/{room}/revoked",
        "rooms/{room}/revoked/{me}",
        "rooms/{room}/calls",
        "rooms/{room}/calls/{camera}",
        "rooms/{room}/nosuch",
    };

    [Theory]
    [MemberData(nameof(NeverReadable))]
    public async Task No_client_reads_above_or_beside_what_the_rules_grant(string template)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var stranger = await fixture.SignUpAsync();
        await fixture.AdminPutAsync($"rooms/{room.Id}/revoked/{viewer.Uid}", "true");

        var path = template.Replace("{room}", room.Id, StringComparison.Ordinal).Replace("{camera}", camera.Uid, StringComparison.Ordinal);
        foreach (var who in new[] { null, stranger, viewer })
        {
            await fixture.AssertUnreadableAsync(path.Replace("{me}", who?.Uid ?? viewer.Uid, StringComparison.Ordinal), who);
        }

        // The camera reads its own membership and inbox, but nothing else on the list.
        if (!template.Contains("{camera}", StringComparison.Ordinal))
        {
            await fixture.AssertUnreadableAsync(path.Replace("{me}", camera.Uid, StringComparison.Ordinal), camera);
        }
    }

    [Fact]
    public async Task Rooms_cannot_be_listed_even_shallowly_or_by_query()
    {
        var room = await fixture.CreateRoomAsync();
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        foreach (var query in new[] { "shallow=true", "orderBy=%22$key%22&limitToFirst=5" })
        {
            await fixture.AssertUnreadableAsync("rooms", viewer, query);
            await fixture.AssertUnreadableAsync("pairing", viewer, query);
            await fixture.AssertUnreadableAsync("", viewer, query);
        }

        Assert.Equal(401, await fixture.StreamStatusAsync("rooms", viewer));
        Assert.Equal(401, await fixture.StreamStatusAsync("pairing/" + room.Id, viewer));
    }

    /// <summary>What a member reads; strangers and signed-out clients read none of it.</summary>
    public static TheoryData<string> MembersRead => new()
    {
        "rooms/{room}/meta",
        "rooms/{room}/meta/name",
        "rooms/{room}/cameras",
        "rooms/{room}/cameras/{camera}",
        "rooms/{room}/cameras/{camera}/battery",
    };

    [Theory]
    [MemberData(nameof(MembersRead))]
    public async Task Members_read_meta_and_presence_strangers_and_signed_out_clients_do_not(string template)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var stranger = await fixture.SignUpAsync();
        var path = template.Replace("{room}", room.Id, StringComparison.Ordinal).Replace("{camera}", camera.Uid, StringComparison.Ordinal);

        Assert.Equal(await fixture.AdminReadAsync(path), (await fixture.AssertAllowedAsync("GET", path, null, viewer)).Body);
        await fixture.AssertAllowedAsync("GET", path, null, camera);
        await fixture.AssertUnreadableAsync(path, stranger);
        await fixture.AssertUnreadableAsync(path, null);
        Assert.Equal(401, await fixture.StreamStatusAsync(path, stranger));

        // A member of another room is a stranger here.
        var elsewhere = await fixture.NewMemberAsync(await fixture.CreateRoomAsync(), "camera");
        await fixture.AssertUnreadableAsync(path, elsewhere);
    }

    /// <summary>Writes that only the admin (the CLI) makes, tried by every kind of client.</summary>
    public static TheoryData<string, string> AdminOnlyWrites => new()
    {
        { "rooms/{room}/meta", """{"name":"Mine","created":1,"owner":"cli"}""" },
        { "rooms/{room}/meta/name", "\"Mine\"" },
        { "pairing/{room}/viewer", "\"{viewerProof}\"" },
        { "pairing/{room}", "null" },
        { "pairing/{other}", """{"camera":"{viewerProof}","viewer":"{viewerProof}"}""" },
        { "rooms/{room}/revoked/{me}", "true" },
        { "rooms/{room}/revoked/{camera}", "null" },
        { "rooms/{room}", "null" },
        { "rooms/{room}/members", "null" },
        { "rooms/{room}/cameras", "null" },
        { "rooms/{room}/calls", "null" },
        { "rooms/{room}/nosuch", "1" },
        { "rooms/{other}/meta", """{"name":"Mine","created":1,"owner":"me"}""" },
        { "nosuch", "1" },
    };

    [Theory]
    [MemberData(nameof(AdminOnlyWrites))]
    public async Task Only_the_admin_writes_meta_pairing_revocations_and_whole_collections(string template, string body)
    {
        var room = await fixture.CreateRoomAsync();
        var camera = await fixture.NewOnlineCameraAsync(room);
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        await fixture.AdminPutAsync($"rooms/{room.Id}/revoked/{camera.Uid}", "true");
        var stranger = await fixture.SignUpAsync();
        var other = Pairing.NewRoomId();

        foreach (var who in new[] { null, stranger, viewer, camera })
        {
            string Fill(string s) => s.Replace("{room}", room.Id, StringComparison.Ordinal)
                .Replace("{other}", other, StringComparison.Ordinal)
                .Replace("{camera}", camera.Uid, StringComparison.Ordinal)
                .Replace("{me}", who?.Uid ?? stranger.Uid, StringComparison.Ordinal)
                .Replace("{viewerProof}", room.ViewerProof, StringComparison.Ordinal);
            foreach (var method in new[] { "PUT", "PATCH" })
            {
                if (method == "PATCH" && !body.StartsWith('{'))
                {
                    continue;
                }

                await fixture.AssertRefusedAsync(room, method, Fill(template), Fill(body), who);
            }
        }

        Assert.Equal(401, (await fixture.SendAsync("PUT", $"pairing/{other}", "{}", viewer)).Status);
        await fixture.AssertUnreadableAsync($"pairing/{other}", null);
        Assert.Equal("null", await fixture.AdminReadAsync($"pairing/{other}"));
        Assert.Equal("null", await fixture.AdminReadAsync($"rooms/{other}"));
    }

    [Fact]
    public async Task A_member_reads_only_its_own_membership()
    {
        var room = await fixture.CreateRoomAsync();
        var viewer = await fixture.NewMemberAsync(room, "viewer");
        var camera = await fixture.NewMemberAsync(room, "camera");

        var own = await fixture.AssertAllowedAsync("GET", $"rooms/{room.Id}/members/{viewer.Uid}", null, viewer);
        Assert.Equal("viewer", own.Json.GetProperty("role").GetString());
        Assert.Equal(room.ViewerProof, own.Json.GetProperty("proof").GetString());
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/members/{camera.Uid}", viewer);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/members/{viewer.Uid}", camera);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/members/{viewer.Uid}", null);
        await fixture.AssertUnreadableAsync($"rooms/{room.Id}/members", viewer);
    }
}
