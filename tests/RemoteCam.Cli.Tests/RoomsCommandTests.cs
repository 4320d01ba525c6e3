using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam rooms …</c> against an in-process relay.</summary>
public sealed class RoomsCommandTests
{
    private static string SecretsFile(CliHarness cli, string room) => Path.Combine(cli.ConfigDirectory, "rooms", "test", room + ".json");

    private static (string Camera, string Viewer) StoredSecrets(CliHarness cli, string room)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SecretsFile(cli, room)));
        return (document.RootElement.GetProperty("camera").GetString()!, document.RootElement.GetProperty("viewer").GetString()!);
    }

    /// <summary>The derivation of docs/pairing.md, written out independently of the CLI's code.</summary>
    private static string ExpectedProof(string secret, string room, string role)
    {
        var bytes = Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (secret.Length % 4)) % 4));
        Assert.Equal(32, bytes.Length);
        var input = bytes.Concat(Encoding.UTF8.GetBytes($"remotecam-pairing-v1|{room}|{role}")).ToArray();
        return Convert.ToBase64String(SHA256.HashData(input)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }



    [Fact]
    public async Task Create_writes_meta_and_proofs_and_keeps_the_secrets_local()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var result = await cli.RunAsync("rooms", "create", "Home");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        var id = result.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "id").Skip(1).First();
        Assert.Equal(20, id.Length);
        Assert.Contains("Camera invitation: " + cli.Relay!.Url + "join.html#v=1&room=" + id + "&role=camera&s=", result.Out);
        Assert.Contains("&vs=", result.Out);
        Assert.Contains("key", result.Out);

        var (camera, viewer) = StoredSecrets(cli, id);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretsFile(cli, id)));
        }

        using var admin = cli.RelayClient(cli.Relay.AdminKey);
        using var meta = JsonDocument.Parse(await admin.GetStringAsync($"rooms/{id}/meta.json"));
        Assert.Equal("Home", meta.RootElement.GetProperty("name").GetString());
        Assert.Equal("cli", meta.RootElement.GetProperty("owner").GetString());
        Assert.True(meta.RootElement.GetProperty("created").GetInt64() > 1_600_000_000_000);
        Assert.Equal(ExpectedProof(camera, id, "camera"), await admin.GetFromJsonAsync<string>($"pairing/{id}/camera.json"));
        Assert.Equal(ExpectedProof(viewer, id, "viewer"), await admin.GetFromJsonAsync<string>($"pairing/{id}/viewer.json"));
        Assert.NotEqual(camera, viewer);

        var dump = await admin.GetStringAsync(".json");
        Assert.DoesNotContain(camera, dump);
        Assert.DoesNotContain(viewer, dump);
    }

    [Fact]
    public async Task List_and_show_report_rooms_members_and_presence()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync("Garage");
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        (await admin.PutAsJsonAsync($"rooms/{id}/members/cam1.json", new { role = "camera", deviceName = "Old Pixel", joined = 1_700_000_000_000 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"rooms/{id}/members/view1.json", new { role = "viewer", deviceName = "My phone", joined = 1_700_000_100_000 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"rooms/{id}/cameras/cam1.json", new { online = true, lastSeen = 1_700_000_200_000 })).EnsureSuccessStatusCode();

        var list = await cli.RunAsync("rooms", "list");
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.Contains(id, list.Out);
        Assert.Contains("Garage", list.Out);

        var listJson = await cli.RunAsync("rooms", "list", "--json");
        using (var document = JsonDocument.Parse(listJson.Out))
        {
            var room = Assert.Single(document.RootElement.GetProperty("rooms").EnumerateArray());
            Assert.Equal(id, room.GetProperty("id").GetString());
            Assert.Equal(1, room.GetProperty("cameras").GetInt32());
            Assert.Equal(1, room.GetProperty("viewers").GetInt32());
            Assert.NotNull(room.GetProperty("created").GetString());
        }

        var show = await cli.RunAsync("rooms", "show", id);
        Assert.True(show.ExitCode == 0, show.Err);
        Assert.Contains("Old Pixel", show.Out);
        Assert.Contains("My phone", show.Out);
        Assert.Contains("online", show.Out);
        Assert.Contains("2023-11-14T22:13:20Z", show.Out);

        var showJson = await cli.RunAsync("rooms", "show", id, "--json");
        using (var document = JsonDocument.Parse(showJson.Out))
        {
            var members = document.RootElement.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(2, members.Count);
            var camera = members.Single(m => m.GetProperty("uid").GetString() == "cam1");
            Assert.Equal("camera", camera.GetProperty("role").GetString());
            Assert.True(camera.GetProperty("online").GetBoolean());
            Assert.True(document.RootElement.GetProperty("invitationSecretsHere").GetBoolean());
        }
    }

    [Fact]
    public async Task List_with_no_rooms_says_so()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var list = await cli.RunAsync("rooms", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("No rooms", list.Out);
        using var document = JsonDocument.Parse((await cli.RunAsync("rooms", "list", "--json")).Out);
        Assert.Equal(0, document.RootElement.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task Invite_prints_the_url_and_a_qr_code_and_writes_png_and_svg()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var png = Path.Combine(cli.RelayData, "..", "camera.png");
        var svg = Path.Combine(cli.RelayData, "..", "camera.svg");
        var result = await cli.RunAsync("rooms", "invite", id, "--role", "camera", "--room-wide", "--png", png, "--svg", svg);
        Assert.True(result.ExitCode == 0, result.Err);

        var url = result.Out.Split('\n').Select(l => l.Trim()).First(l => l.Contains("join.html#", StringComparison.Ordinal));
        var uri = new Uri(url);
        Assert.Equal(cli.Relay!.Url.GetLeftPart(UriPartial.Authority), uri.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/join.html", uri.AbsolutePath);
        var fields = uri.Fragment.TrimStart('#').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("1", fields["v"]);
        Assert.Equal(id, fields["room"]);
        Assert.Equal("camera", fields["role"]);
        Assert.Equal(StoredSecrets(cli, id).Camera, fields["s"]);
        Assert.Equal(StoredSecrets(cli, id).Viewer, fields["vs"]);
        Assert.Contains('█', result.Out);
        Assert.Contains("key", result.Out);

        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8).ToArray());
        Assert.True(bytes.Length > 500, $"PNG of {bytes.Length} bytes");
        var text = File.ReadAllText(svg);
        Assert.Contains("<svg", text);
        Assert.Contains("</svg>", text);

        var json = await cli.RunAsync("rooms", "invite", id, "--role", "viewer", "--room-wide", "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.EndsWith("&role=viewer&s=" + StoredSecrets(cli, id).Viewer, document.RootElement.GetProperty("url").GetString());

        // Without --room-wide: an invitation of its own (format 2), which carries neither room-wide secret.
        var own = await cli.RunAsync("rooms", "invite", id, "--role", "camera");
        Assert.True(own.ExitCode == 0, own.Err);
        var ownUrl = own.Out.Split('\n').Select(l => l.Trim()).First(l => l.Contains("join.html#", StringComparison.Ordinal));
        Assert.Contains("#v=2&room=" + id + "&role=camera&i=", ownUrl);
        Assert.DoesNotContain(StoredSecrets(cli, id).Camera, ownUrl);
        Assert.DoesNotContain(StoredSecrets(cli, id).Viewer, ownUrl);
        Assert.Contains('█', own.Out);
    }

    [Fact]
    public async Task Invite_needs_a_valid_role()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        Assert.Equal(2, (await cli.RunAsync("rooms", "invite", id, "--role", "admin")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("rooms", "invite", id)).ExitCode);
    }

    [Fact]
    public async Task Rotate_replaces_secrets_and_proofs()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var (oldCamera, oldViewer) = StoredSecrets(cli, id);

        var result = await cli.RunAsync("rooms", "rotate", id);
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains("pair again", result.Out);

        var (camera, viewer) = StoredSecrets(cli, id);
        Assert.NotEqual(oldCamera, camera);
        Assert.NotEqual(oldViewer, viewer);
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var cameraProof = await admin.GetFromJsonAsync<string>($"pairing/{id}/camera.json");
        var viewerProof = await admin.GetFromJsonAsync<string>($"pairing/{id}/viewer.json");
        Assert.Equal(ExpectedProof(camera, id, "camera"), cameraProof);
        Assert.Equal(ExpectedProof(viewer, id, "viewer"), viewerProof);
        Assert.NotEqual(ExpectedProof(oldCamera, id, "camera"), cameraProof);
        Assert.NotEqual(ExpectedProof(oldViewer, id, "viewer"), viewerProof);

        using var document = JsonDocument.Parse((await cli.RunAsync("rooms", "rotate", id, "--json")).Out);
        Assert.True(document.RootElement.GetProperty("rotated").GetBoolean());
        Assert.NotEqual(camera, StoredSecrets(cli, id).Camera);
    }

    /// <summary>
    /// A rotation saves its new secrets as "pending" before writing their proofs, and promotes them after.
    /// Whether it stopped before or after the proofs were written, the next rotate finishes it with the same secrets.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_interrupted_rotation_is_finished_by_the_next_rotate(bool proofsWritten)
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var (oldCamera, oldViewer) = StoredSecrets(cli, id);
        static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (camera, viewer) = (NewSecret(), NewSecret());
        File.WriteAllText(SecretsFile(cli, id), JsonSerializer.Serialize(new { camera = oldCamera, viewer = oldViewer, pending = new { camera, viewer } }));
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        if (proofsWritten)
        {
            (await admin.PatchAsJsonAsync($"pairing/{id}.json", new { camera = ExpectedProof(camera, id, "camera"), viewer = ExpectedProof(viewer, id, "viewer") })).EnsureSuccessStatusCode();
        }

        var invite = await cli.RunAsync("rooms", "invite", id, "--role", "viewer");
        Assert.Equal(1, invite.ExitCode);
        Assert.Contains($"run 'remotecam rooms rotate {id}' to finish it", invite.Err);
        Assert.Contains("a rotation did not finish", (await cli.RunAsync("rooms", "show", id)).Out);

        var rotate = await cli.RunAsync("rooms", "rotate", id);
        Assert.True(rotate.ExitCode == 0, rotate.Err);
        Assert.Contains("Finished the rotation", rotate.Out);
        Assert.Equal((camera, viewer), StoredSecrets(cli, id));
        Assert.DoesNotContain("pending", File.ReadAllText(SecretsFile(cli, id)));
        Assert.Equal(ExpectedProof(camera, id, "camera"), await admin.GetFromJsonAsync<string>($"pairing/{id}/camera.json"));
        Assert.Equal(ExpectedProof(viewer, id, "viewer"), await admin.GetFromJsonAsync<string>($"pairing/{id}/viewer.json"));
        var url = (await cli.RunAsync("rooms", "invite", id, "--role", "viewer", "--room-wide", "--json")).Out;
        Assert.Contains("&s=" + viewer, url);
    }

    [Fact]
    public async Task A_rotation_that_cannot_reach_the_database_keeps_the_working_secrets()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var before = File.ReadAllText(SecretsFile(cli, id));
        await cli.Relay!.DisposeAsync();
        var rotate = await cli.RunAsync("rooms", "rotate", id);
        Assert.Equal(1, rotate.ExitCode);
        Assert.Contains("cannot reach", rotate.Err);
        Assert.Equal(before, File.ReadAllText(SecretsFile(cli, id)));
    }

    [Fact]
    public async Task Revoke_removes_the_member_and_marks_it_revoked()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        (await admin.PutAsJsonAsync($"rooms/{id}/members/cam1.json", new { role = "camera", deviceName = "Old Pixel", joined = 1_700_000_000_000 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"rooms/{id}/members/cam2.json", new { role = "camera", deviceName = "Tablet", joined = 1_700_000_000_000 })).EnsureSuccessStatusCode();

        var result = await cli.RunAsync("rooms", "revoke", id, "cam1");
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}/members/cam1.json"));
        Assert.Equal("true", await admin.GetStringAsync($"rooms/{id}/revoked/cam1.json"));
        Assert.NotEqual("null", await admin.GetStringAsync($"rooms/{id}/members/cam2.json"));
        Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}/revoked/cam2.json"));

        var again = await cli.RunAsync("rooms", "revoke", id, "cam1");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already revoked", again.Err);
        var stranger = await cli.RunAsync("rooms", "revoke", id, "nobody");
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("not a member", stranger.Err);

        var show = await cli.RunAsync("rooms", "show", id);
        Assert.Contains("Revoked devices (cannot join again): cam1", show.Out);
        using (var shown = JsonDocument.Parse((await cli.RunAsync("rooms", "show", id, "--json")).Out))
        {
            Assert.Equal(["cam1"], shown.RootElement.GetProperty("revoked").EnumerateArray().Select(e => e.GetString()));
        }

        using var document = JsonDocument.Parse((await cli.RunAsync("rooms", "revoke", id, "cam2", "--json")).Out);
        Assert.Equal("cam2", document.RootElement.GetProperty("revoked").GetString());
    }

    [Fact]
    public async Task Delete_removes_room_proofs_and_local_secrets()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var keep = await cli.CreateRoomAsync("Other");
        var result = await cli.RunAsync("rooms", "delete", id, "--json");
        Assert.True(result.ExitCode == 0, result.Err);
        using (var document = JsonDocument.Parse(result.Out))
        {
            Assert.True(document.RootElement.GetProperty("deleted").GetBoolean());
        }

        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}.json"));
        Assert.Equal("null", await admin.GetStringAsync($"pairing/{id}.json"));
        Assert.False(File.Exists(SecretsFile(cli, id)));
        Assert.NotEqual("null", await admin.GetStringAsync($"rooms/{keep}.json"));
        Assert.True(File.Exists(SecretsFile(cli, keep)));
    }

    [Theory]
    [InlineData("show")]
    [InlineData("rotate")]
    [InlineData("delete")]
    [InlineData("invite", "--role", "camera")]
    [InlineData("revoke", "cam1")]
    [InlineData("invitations")]
    public async Task An_unknown_room_is_an_error(string command, params string[] rest)
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var result = await cli.RunAsync(["rooms", command, "NoSuchRoom", .. rest]);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("no room 'NoSuchRoom'", result.Err);

        var traversal = await cli.RunAsync(["rooms", command, "../x", .. rest]);
        Assert.Equal(1, traversal.ExitCode);
        Assert.Contains("no room", traversal.Err);
    }

    [Fact]
    public async Task Every_rooms_command_has_help()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        foreach (var command in new[] { "create", "list", "show", "invite", "invitations", "revoke", "rotate", "delete" })
        {
            var result = await cli.RunAsync("rooms", command, "--help");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("--json", result.Out);
        }
    }
}
