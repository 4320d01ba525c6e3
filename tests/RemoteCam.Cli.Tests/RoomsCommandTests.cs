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

    private static async Task<string> CreateAsync(CliHarness cli, string name = "Home")
    {
        var result = await cli.RunAsync("rooms", "create", name, "--json");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<CliHarness> StartAsync()
    {
        var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        return cli;
    }

    [Fact]
    public async Task Create_writes_meta_and_proofs_and_keeps_the_secrets_local()
    {
        await using var cli = await StartAsync();
        var result = await cli.RunAsync("rooms", "create", "Home");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        var id = result.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "id").Skip(1).First();
        Assert.Equal(20, id.Length);
        Assert.Contains("Camera invitation: " + cli.Relay!.Url + "join.html#v=1&room=" + id + "&role=camera&s=", result.Out);
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
}
