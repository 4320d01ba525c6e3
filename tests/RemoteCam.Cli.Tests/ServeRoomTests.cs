using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam serve</c>'s default room, through the real process: invitations at start, the same room at the next start.</summary>
public sealed partial class ServeRoomTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-serveroom-" + Guid.NewGuid().ToString("N"));

    public ServeRoomTests() => Directory.CreateDirectory(_folder);

    private string Data => Path.Combine(_folder, "data");

    private string Config => Path.Combine(_folder, "config");

    private static Dictionary<string, string> Fields(string url) =>
        new Uri(url).Fragment.TrimStart('#').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static string Proof(string secret, string room, string role)
    {
        var bytes = Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (secret.Length % 4)) % 4));
        return Convert.ToBase64String(SHA256.HashData([.. bytes, .. Encoding.UTF8.GetBytes($"remotecam-pairing-v1|{room}|{role}")]))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The camera and viewer invitation URLs a start printed.</summary>
    private static (string Camera, string Viewer) Invitations(string output)
    {
        var camera = CameraLine().Match(output);
        var viewer = ViewerLine().Match(output);
        Assert.True(camera.Success && viewer.Success, output);
        return (camera.Groups[1].Value, viewer.Groups[1].Value);
    }

    private HttpClient Admin(Uri url)
    {
        var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(Data, ".auth", "admin.key")).Trim());
        return http;
    }

    [Fact]
    public async Task The_first_start_makes_a_room_and_prints_its_invitations_and_the_next_start_reuses_it()
    {
        string room, cameraUrl;
        await using (var relay = await RelayProcess.StartWithConfigAsync(Config, Data))
        {
            var output = relay.FirstLines;
            Assert.Contains("an invitation QR code is a key", output);
            Assert.Contains("Created the room 'Home'", output);
            (cameraUrl, var viewerUrl) = Invitations(output);
            Assert.StartsWith(relay.Url + "join.html#v=1&room=", cameraUrl);
            var camera = Fields(cameraUrl);
            var viewer = Fields(viewerUrl);
            room = camera["room"];
            Assert.Equal(room, viewer["room"]);
            Assert.Equal(("camera", "viewer"), (camera["role"], viewer["role"]));
            Assert.Equal(viewer["s"], camera["vs"]);
            Assert.False(viewer.ContainsKey("vs"));

            using var admin = Admin(relay.Url);
            Assert.Equal(Proof(camera["s"], room, "camera"), await admin.GetFromJsonAsync<string>($"pairing/{room}/camera.json"));
            Assert.Equal(Proof(viewer["s"], room, "viewer"), await admin.GetFromJsonAsync<string>($"pairing/{room}/viewer.json"));
            Assert.Equal("Home", await admin.GetFromJsonAsync<string>($"rooms/{room}/meta/name.json"));

            // The terminal QR code printed for the camera is that URL.
            var drawing = string.Join('\n', output.Split('\n').SkipWhile(l => !l.StartsWith("Camera invitation (", StringComparison.Ordinal)).Skip(1)
                .TakeWhile(l => !l.StartsWith("Camera invitation:", StringComparison.Ordinal))) + "\n";
            Assert.Equal(cameraUrl, await QrDecoder.DecodeTerminalAsync(drawing, light: false));

            // The rooms commands find the secrets under the profile serve names.
            var profile = ProfileLine().Match(output).Groups[1].Value;
            var invite = await RunCliAsync("rooms", "invite", room, "--role", "camera", "--room-wide", "--profile", profile, "--json");
            Assert.True(invite.ExitCode == 0, invite.Err);
            using var document = JsonDocument.Parse(invite.Out);
            Assert.Equal(cameraUrl, document.RootElement.GetProperty("url").GetString());
            await relay.TerminateAsync();
        }

        await using (var again = await RelayProcess.StartWithConfigAsync(Config, Data))
        {
            Assert.DoesNotContain("Created the room", again.FirstLines);
            var (camera, _) = Invitations(again.FirstLines);
            Assert.Equal(Fields(cameraUrl)["s"], Fields(camera)["s"]);
            Assert.Equal(room, Fields(camera)["room"]);
            using var admin = Admin(again.Url);
            using var rooms = JsonDocument.Parse(await admin.GetStringAsync("rooms.json?shallow=true"));
            Assert.Equal([room], rooms.RootElement.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task A_deleted_default_room_is_replaced_and_the_start_says_so()
    {
        string room;
        await using (var relay = await RelayProcess.StartWithConfigAsync(Config, Data))
        {
            room = Fields(Invitations(relay.FirstLines).Camera)["room"];
            var profile = ProfileLine().Match(relay.FirstLines).Groups[1].Value;
            Assert.Equal(0, (await RunCliAsync("rooms", "delete", room, "--profile", profile)).ExitCode);
            await relay.TerminateAsync();
        }

        await using var again = await RelayProcess.StartWithConfigAsync(Config, Data);
        Assert.Contains($"The default room {room} no longer exists", again.FirstLines);
        Assert.Contains("Created the room 'Home'", again.FirstLines);
        Assert.NotEqual(room, Fields(Invitations(again.FirstLines).Camera)["room"]);
    }

    [Fact]
    public async Task A_default_room_rotated_elsewhere_is_replaced_and_the_start_says_so()
    {
        string room;
        await using (var relay = await RelayProcess.StartWithConfigAsync(Config, Data))
        {
            room = Fields(Invitations(relay.FirstLines).Camera)["room"];
            using var admin = Admin(relay.Url);
            (await admin.PatchAsJsonAsync($"pairing/{room}.json", new { camera = new string('A', 43), viewer = new string('B', 43) })).EnsureSuccessStatusCode();
            await relay.TerminateAsync();
        }

        await using var again = await RelayProcess.StartWithConfigAsync(Config, Data);
        Assert.Contains($"The default room {room} was rotated", again.FirstLines);
        Assert.NotEqual(room, Fields(Invitations(again.FirstLines).Camera)["room"]);
    }

    [Fact]
    public async Task No_room_skips_the_room()
    {
        await using var relay = await RelayProcess.StartWithConfigAsync(Config, Data, "--no-room");
        Assert.DoesNotContain("invitation", relay.FirstLines, StringComparison.OrdinalIgnoreCase);
        using var admin = Admin(relay.Url);
        Assert.Equal("null", await admin.GetStringAsync("rooms.json"));
    }

    private Task<CliResult> RunCliAsync(params string[] args) => RunInConfigAsync(Config, args);

    private static async Task<CliResult> RunInConfigAsync(string config, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, name => name == "REMOTECAM_CONFIG_DIR" ? config : null);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"^Camera invitation: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex CameraLine();

    [GeneratedRegex(@"^Viewer invitation: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex ViewerLine();

    [GeneratedRegex(@"profile '([^']+)'\)\. Pair")]
    private static partial Regex ProfileLine();
}
