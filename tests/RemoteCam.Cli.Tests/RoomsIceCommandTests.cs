using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam rooms ice …</c> against an in-process relay with the repository's rules.</summary>
public sealed class RoomsIceCommandTests
{
    private const string Turn = "turn:turn.example.net:3478?transport=udp";

    [Fact]
    public async Task Ice_servers_are_stored_sealed_open_with_the_viewer_secret_and_can_be_shown_and_cleared()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();

        var none = await cli.RunAsync("rooms", "ice", id);
        Assert.True(none.ExitCode == 0, none.Err);
        Assert.Contains("no ICE servers of its own", none.Out);

        var set = await cli.RunAsync("rooms", "ice", id, "--url", "stun:stun.example.net", "--url", Turn, "--username", "home", "--credential", "s3cret-pass", "--relay-only");
        Assert.True(set.ExitCode == 0, set.Err);
        Assert.Contains(Turn, set.Out);
        Assert.Contains("Relay only", set.Out);
        Assert.DoesNotContain("s3cret-pass", set.Out);

        // The database holds one sealed string: no URL, username or password in clear.
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var stored = await admin.GetFromJsonAsync<string>($"rooms/{id}/meta/ice.json");
        Assert.NotNull(stored);
        Assert.Matches("^1\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$", stored);
        foreach (var clear in new[] { "turn.example.net", "home", "s3cret-pass" })
        {
            Assert.DoesNotContain(clear, stored);
        }

        // It opens, as docs/protocol.md describes, with the room's viewer secret and the "meta|ice" associated data.
        var viewerSecret = ViewerSecret(cli, id);
        using var config = JsonDocument.Parse(Open(stored, viewerSecret, id, "meta|ice"));
        Assert.Equal(1, config.RootElement.GetProperty("v").GetInt32());
        Assert.True(config.RootElement.GetProperty("relayOnly").GetBoolean());
        var servers = config.RootElement.GetProperty("iceServers").EnumerateArray().ToList();
        Assert.Equal(2, servers.Count);
        Assert.Equal("stun:stun.example.net", servers[0].GetProperty("urls")[0].GetString());
        Assert.False(servers[0].TryGetProperty("credential", out _));
        Assert.Equal(Turn, servers[1].GetProperty("urls")[0].GetString());
        Assert.Equal("home", servers[1].GetProperty("username").GetString());
        Assert.Equal("s3cret-pass", servers[1].GetProperty("credential").GetString());
        // Bound to its place: the same value does not open as another name or in another room.
        Assert.ThrowsAny<CryptographicException>(() => Open(stored, viewerSecret, id, "meta|other"));
        Assert.ThrowsAny<CryptographicException>(() => Open(stored, viewerSecret, "AAAAAAAAAAAAAAAAAAAA", "meta|ice"));

        var show = await cli.RunAsync("rooms", "ice", id, "--json");
        Assert.True(show.ExitCode == 0, show.Err);
        using (var document = JsonDocument.Parse(show.Out))
        {
            Assert.True(document.RootElement.GetProperty("relayOnly").GetBoolean());
            var turn = document.RootElement.GetProperty("iceServers")[1];
            Assert.Equal("home", turn.GetProperty("username").GetString());
            Assert.True(turn.GetProperty("credentialSet").GetBoolean());
        }

        Assert.DoesNotContain("s3cret-pass", show.Out);
        using (var room = JsonDocument.Parse((await cli.RunAsync("rooms", "show", id, "--json")).Out))
        {
            Assert.True(room.RootElement.GetProperty("iceServers").GetBoolean());
        }

        Assert.Contains("ICE servers: the room has its own", (await cli.RunAsync("rooms", "show", id)).Out);

        var clear1 = await cli.RunAsync("rooms", "ice", id, "--clear");
        Assert.True(clear1.ExitCode == 0, clear1.Err);
        Assert.Null(await admin.GetFromJsonAsync<string?>($"rooms/{id}/meta/ice.json"));
        Assert.Contains("no ICE servers of its own", (await cli.RunAsync("rooms", "ice", id)).Out);
        using var after = JsonDocument.Parse((await cli.RunAsync("rooms", "show", id, "--json")).Out);
        Assert.False(after.RootElement.GetProperty("iceServers").GetBoolean());
    }

    [Fact]
    public async Task A_rotation_seals_the_ice_servers_again_with_the_new_viewer_secret()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        Assert.Equal(0, (await cli.RunAsync("rooms", "ice", id, "--url", Turn, "--username", "home", "--credential", "pw")).ExitCode);
        var oldSecret = ViewerSecret(cli, id);

        var rotate = await cli.RunAsync("rooms", "rotate", id);
        Assert.True(rotate.ExitCode == 0, rotate.Err);

        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var stored = await admin.GetFromJsonAsync<string>($"rooms/{id}/meta/ice.json");
        Assert.NotNull(stored);
        var newSecret = ViewerSecret(cli, id);
        Assert.NotEqual(Convert.ToHexString(oldSecret), Convert.ToHexString(newSecret));
        Assert.Contains(Turn, Open(stored, newSecret, id, "meta|ice"));
        Assert.ThrowsAny<CryptographicException>(() => Open(stored, oldSecret, id, "meta|ice"));
        Assert.Contains(Turn, (await cli.RunAsync("rooms", "ice", id)).Out);
    }

    [Theory]
    [InlineData("--url", "http://turn.example.net", "is not a STUN or TURN URL")]
    [InlineData("--url", "turn:turn.example.net", "needs --username and --credential")]
    [InlineData("--url", "stun:stun.example.net?transport=udp", "is not a STUN or TURN URL")]
    [InlineData("--url", "stun:stun.example.net --relay-only", "--relay-only needs a TURN server")]
    [InlineData("--url", "stun:stun.example.net --username u --credential p", "are for TURN servers")]
    [InlineData("--clear", "--relay-only", "takes no --url")]
    public async Task Bad_ice_settings_are_refused_in_words_and_change_nothing(string option, string value, string message)
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        Assert.Equal(0, (await cli.RunAsync("rooms", "ice", id, "--url", Turn, "--username", "home", "--credential", "pw")).ExitCode);
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var before = await admin.GetFromJsonAsync<string>($"rooms/{id}/meta/ice.json");

        string[] args = ["rooms", "ice", id, option, .. value.Split(' ')];
        var result = await cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.Equal(before, await admin.GetFromJsonAsync<string>($"rooms/{id}/meta/ice.json"));
    }

    /// <summary>The envelope of docs/protocol.md, written out independently of the CLI's code.</summary>
    private static string Open(string value, byte[] viewerSecret, string roomId, string place)
    {
        var parts = value.Split('.');
        var iv = Decode(parts[1]);
        var sealedBytes = Decode(parts[2]);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, viewerSecret, 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + roomId));
        using var aes = new AesGcm(key, 16);
        var plaintext = new byte[sealedBytes.Length - 16];
        aes.Decrypt(iv, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, Encoding.UTF8.GetBytes($"remotecam-seal-v1|{roomId}|{place}"));
        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] Decode(string b64u) =>
        Convert.FromBase64String(b64u.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (b64u.Length % 4)) % 4));

    private static byte[] ViewerSecret(CliHarness cli, string room)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.ConfigDirectory, "rooms", "test", room + ".json")));
        return Decode(document.RootElement.GetProperty("viewer").GetString()!);
    }


}
