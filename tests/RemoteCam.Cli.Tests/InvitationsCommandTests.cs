using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// Invitations one by one (<c>rooms invite</c>, <c>rooms invitations</c>, <c>rooms invitations revoke</c>),
/// with the repository's database.rules.json in force and real anonymous devices joining as the
/// pages do (docs/pairing.md): a free use slot claimed together with the membership in one update.
/// </summary>
public sealed class InvitationsCommandTests
{
    private static async Task<(CliHarness Cli, string Room)> StartAsync()
    {
        var cli = await CliHarness.StartAsync(rulesFile: RepositoryRoot.RulesFile);
        await cli.InitRelayAsync();
        return (cli, await cli.CreateRoomAsync());
    }

    private static byte[] FromB64u(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));

    private static string ToB64u(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, string> Fields(string url) =>
        new Uri(url).Fragment.TrimStart('#').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static async Task<(string Url, string Id, JsonElement Document)> InviteAsync(CliHarness cli, string room, params string[] options)
    {
        var result = await cli.RunAsync(["rooms", "invite", room, .. options, "--json"]);
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        var document = JsonDocument.Parse(result.Out).RootElement.Clone();
        return (document.GetProperty("url").GetString()!, document.GetProperty("id").GetString()!, document);
    }

    /// <summary>A device joining as join.html does with an invitation of its own.</summary>
    private sealed record Device(HttpClient Http, string Uid, string Token) : IDisposable
    {
        public static async Task<Device> SignUpAsync(Uri relay)
        {
            var http = new HttpClient { BaseAddress = relay };
            using var response = await http.PostAsJsonAsync("identitytoolkit.googleapis.com/v1/accounts:signUp?key=test", new { returnSecureToken = true });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return new Device(http, body.RootElement.GetProperty("localId").GetString()!, body.RootElement.GetProperty("idToken").GetString()!);
        }

        /// <summary>
        /// Reads the slots, claims the first free one (or <paramref name="slot"/>) with the membership in one
        /// PATCH of the root; the proof is derived as docs/pairing.md says, written out independently.
        /// </summary>
        public async Task<HttpStatusCode> JoinAsync(string url, string name = "Test phone", string? slot = null)
        {
            var f = Fields(url);
            Assert.Equal("2", f["v"]);
            var proof = ToB64u(SHA256.HashData([.. FromB64u(f["s"]), .. Encoding.UTF8.GetBytes($"remotecam-invite-v2|{f["room"]}|{f["i"]}|{f["role"]}")]));
            if (slot is null)
            {
                using var used = JsonDocument.Parse(await Http.GetStringAsync($"pairing/{f["room"]}/invites/{f["i"]}/used.json?auth={Token}"));
                slot = used.RootElement.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.False).Name ?? "s0";
            }

            var update = new JsonObject
            {
                [$"rooms/{f["room"]}/members/{Uid}"] = new JsonObject
                {
                    ["role"] = f["role"],
                    ["name"] = name,
                    ["joined"] = new JsonObject { [".sv"] = "timestamp" },
                    ["proof"] = proof,
                    ["invite"] = f["i"],
                    ["slot"] = slot,
                },
                [$"pairing/{f["room"]}/invites/{f["i"]}/used/{slot}"] = Uid,
            };
            using var response = await Http.PatchAsync($".json?auth={Token}", new StringContent(update.ToJsonString()));
            return response.StatusCode;
        }

        public async Task<HttpStatusCode> ReadAsync(string path)
        {
            using var response = await Http.GetAsync($"{path}.json?auth={Token}");
            return response.StatusCode;
        }

        public void Dispose() => Http.Dispose();
    }

    [Fact]
    public async Task An_invitation_of_its_own_lets_one_device_join_and_says_who_used_it()
    {
        var (cli, room) = await StartAsync();
        await using (cli)
        {
            var (url, id, document) = await InviteAsync(cli, room, "--role", "viewer", "--name", "Grandma");
            var f = Fields(url);
            Assert.Equal(["v", "room", "role", "i", "s", "k"], f.Keys.ToArray());
            Assert.Equal(id, f["i"]);
            Assert.Equal(1, document.GetProperty("uses").GetInt32());

            // k is the room's sealing key, not the viewer secret: the URL cannot make room-wide viewers.
            using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.ConfigDirectory, "rooms", "test", room + ".json")));
            var viewerSecret = secrets.RootElement.GetProperty("viewer").GetString()!;
            Assert.Equal(ToB64u(HKDF.DeriveKey(HashAlgorithmName.SHA256, FromB64u(viewerSecret), 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + room))), f["k"]);
            Assert.DoesNotContain(viewerSecret, url);

            using var admin = cli.RelayClient(cli.Relay!.AdminKey);
            using var stored = JsonDocument.Parse(await admin.GetStringAsync($"pairing/{room}/invites/{id}.json"));
            Assert.Equal(24 * 3600 * 1000, stored.RootElement.GetProperty("info").GetProperty("ttl").GetInt64());
            Assert.Equal("Grandma", stored.RootElement.GetProperty("info").GetProperty("name").GetString());
            Assert.Equal("""{"s0":false}""", stored.RootElement.GetProperty("used").GetRawText());
            Assert.DoesNotContain(f["s"], stored.RootElement.GetRawText());

            var listed = await cli.RunAsync("rooms", "invitations", room);
            Assert.Contains(id, listed.Out);
            Assert.Contains("unused (0 of 1 uses)", listed.Out);

            using var first = await Device.SignUpAsync(cli.Relay.Url);
            using var second = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.OK, await first.JoinAsync(url, "Kitchen tablet"));
            Assert.Equal(HttpStatusCode.OK, await first.ReadAsync($"rooms/{room}/cameras"));
            Assert.Equal(HttpStatusCode.Unauthorized, await second.JoinAsync(url, slot: "s0"));
            Assert.Equal(HttpStatusCode.Unauthorized, await second.ReadAsync($"rooms/{room}/cameras"));

            listed = await cli.RunAsync("rooms", "invitations", room);
            Assert.Contains("used by 'Kitchen tablet'", listed.Out.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal)));
            using var json = JsonDocument.Parse((await cli.RunAsync("rooms", "invitations", room, "--json")).Out);
            var one = json.RootElement.GetProperty("invitations").EnumerateArray().Single();
            Assert.Equal("used", one.GetProperty("state").GetString());
            Assert.Equal(first.Uid, one.GetProperty("usedBy")[0].GetProperty("uid").GetString());

            var show = await cli.RunAsync("rooms", "show", room);
            var line = show.Out.Split('\n').Single(l => l.StartsWith(first.Uid, StringComparison.Ordinal));
            Assert.Contains(id, line);
            Assert.EndsWith("yes", line.TrimEnd());
        }
    }

    [Fact]
    public async Task Uses_and_expiry_are_chosen_and_the_defaults_are_said()
    {
        var (cli, room) = await StartAsync();
        await using (cli)
        {
            var help = await cli.RunAsync("rooms", "invite", "--help");
            Assert.Contains("24h for a viewer, 1h for a camera", help.Out);
            Assert.Contains("Default: 1", help.Out);

            var (_, cameraId, _) = await InviteAsync(cli, room, "--role", "camera");
            var (url, id, _) = await InviteAsync(cli, room, "--role", "viewer", "--uses", "2", "--expires", "10m");
            using var admin = cli.RelayClient(cli.Relay!.AdminKey);
            Assert.Equal(3600 * 1000, await admin.GetFromJsonAsync<long>($"pairing/{room}/invites/{cameraId}/info/ttl.json"));
            Assert.Equal(10 * 60 * 1000, await admin.GetFromJsonAsync<long>($"pairing/{room}/invites/{id}/info/ttl.json"));

            var text = await cli.RunAsync("rooms", "invite", room, "--role", "viewer");
            Assert.Contains("one device can join with it within 1 day", text.Out);

            using var a = await Device.SignUpAsync(cli.Relay.Url);
            using var b = await Device.SignUpAsync(cli.Relay.Url);
            using var c = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.OK, await a.JoinAsync(url, "A"));
            Assert.Equal(HttpStatusCode.OK, await b.JoinAsync(url, "B"));
            Assert.Equal(HttpStatusCode.Unauthorized, await c.JoinAsync(url, "C", "s1"));
            Assert.Equal(HttpStatusCode.Unauthorized, await c.JoinAsync(url, "C", "s2"));

            // A viewer invitation cannot make a camera (the role is the invitation's).
            using var d = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, await d.JoinAsync(url.Replace("role=viewer", "role=camera", StringComparison.Ordinal), "D", "s0"));
        }
    }

    [Fact]
    public async Task A_cancelled_invitation_no_longer_joins_and_its_members_keep_working()
    {
        var (cli, room) = await StartAsync();
        await using (cli)
        {
            var (url, id, _) = await InviteAsync(cli, room, "--role", "viewer", "--uses", "2");
            using var early = await Device.SignUpAsync(cli.Relay!.Url);
            Assert.Equal(HttpStatusCode.OK, await early.JoinAsync(url));

            var cancel = await cli.RunAsync("rooms", "invitations", "revoke", room, id);
            Assert.True(cancel.ExitCode == 0, cancel.Err);
            Assert.Contains("no device can join with it any more", cancel.Out);
            Assert.Contains("already cancelled", (await cli.RunAsync("rooms", "invitations", "revoke", room, id)).Out);

            using var late = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, await late.JoinAsync(url));
            Assert.Equal(HttpStatusCode.OK, await early.ReadAsync($"rooms/{room}/cameras"));
            Assert.Contains("cancelled", (await cli.RunAsync("rooms", "invitations", room)).Out);

            var unknown = await cli.RunAsync("rooms", "invitations", "revoke", room, "nosuchid");
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains("has no invitation 'nosuchid'", unknown.Err);
        }
    }

    [Fact]
    public async Task An_expired_invitation_no_longer_joins()
    {
        var (cli, room) = await StartAsync();
        await using (cli)
        {
            var (url, id, _) = await InviteAsync(cli, room, "--role", "viewer", "--expires", "1m");

            // Time passes: the invitation was made 2 minutes ago (as admin, as if the clock had moved).
            using var admin = cli.RelayClient(cli.Relay!.AdminKey);
            var created = await admin.GetFromJsonAsync<long>($"pairing/{room}/invites/{id}/info/created.json");
            (await admin.PutAsJsonAsync($"pairing/{room}/invites/{id}/info/created.json", created - 120_000)).EnsureSuccessStatusCode();

            using var device = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, await device.JoinAsync(url));
            Assert.Contains("expired, never used", (await cli.RunAsync("rooms", "invitations", room)).Out);
        }
    }

    [Fact]
    public async Task Revoking_a_member_cancels_its_invitation_and_rotating_ends_them_all()
    {
        var (cli, room) = await StartAsync();
        await using (cli)
        {
            var (url, id, _) = await InviteAsync(cli, room, "--role", "camera", "--uses", "3");
            var (other, _, _) = await InviteAsync(cli, room, "--role", "viewer");
            using var lost = await Device.SignUpAsync(cli.Relay!.Url);
            using var viewer = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.OK, await lost.JoinAsync(url, "Lost phone"));
            Assert.Equal(HttpStatusCode.OK, await viewer.JoinAsync(other, "Viewer"));

            var revoke = await cli.RunAsync("rooms", "revoke", room, "Lost phone");
            Assert.True(revoke.ExitCode == 0, revoke.Err);
            Assert.Contains($"Its invitation {id} is cancelled", revoke.Out);
            using var thief = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, await thief.JoinAsync(url));
            Assert.Equal(HttpStatusCode.OK, await viewer.ReadAsync($"rooms/{room}/cameras"));

            var rotate = await cli.RunAsync("rooms", "rotate", room);
            Assert.True(rotate.ExitCode == 0, rotate.Err);
            Assert.Equal(HttpStatusCode.Unauthorized, await viewer.ReadAsync($"rooms/{room}/cameras"));
            Assert.Contains("No invitations of their own", (await cli.RunAsync("rooms", "invitations", room)).Out);
        }
    }

    [Theory]
    [InlineData("--uses", "0")]
    [InlineData("--uses", "101")]
    [InlineData("--expires", "5x")]
    [InlineData("--expires", "30s")]
    [InlineData("--expires", "31d")]
    [InlineData("--name", "")]
    [InlineData("--room-wide", "--uses", "2")]
    public async Task Bad_invitation_options_are_usage_errors(params string[] options)
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var room = await cli.CreateRoomAsync();
        var result = await cli.RunAsync(["rooms", "invite", room, "--role", "viewer", .. options]);
        Assert.Equal(2, result.ExitCode);
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        Assert.Equal("null", await admin.GetStringAsync($"pairing/{room}/invites.json"));
    }
}
