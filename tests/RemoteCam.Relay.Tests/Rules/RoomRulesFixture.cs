using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// A real relay enforcing the repository's own <c>database.rules.json</c> (copied to a temporary
/// file, since the relay watches its rules file), with helpers to set up rooms as the remotecam
/// CLI does (meta and /pairing proofs written as admin) and to sign up real anonymous users.
/// Each test makes its own room, so tests sharing the relay do not see each other.
/// </summary>
public sealed class RoomRulesFixture : IAsyncLifetime
{
    /// <summary>The emulator's admin credential, honoured from loopback.</summary>
    public const string Admin = "auth=owner";

    private readonly string _rulesFile = Path.Combine(Path.GetTempPath(), "remotecam-room-rules-" + Guid.NewGuid().ToString("N") + ".json");
    private RelayFixture? _relay;

    public RelayFixture Relay => _relay ?? throw new InvalidOperationException("The relay has not started.");

    public async Task InitializeAsync()
    {
        File.Copy(RepositoryRulesFile(), _rulesFile);
        _relay = await RelayFixture.StartAsync(new RelayOptions { RulesFile = _rulesFile });
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        File.Delete(_rulesFile);
    }

    /// <summary>database.rules.json of the repository: found beside RemoteCam.sln, walking up from the test binaries.</summary>
    public static string RepositoryRulesFile()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RemoteCam.sln")))
            {
                var rules = Path.Combine(folder.FullName, "database.rules.json");
                Assert.True(File.Exists(rules), $"{rules} is missing");
                return rules;
            }
        }

        throw new FileNotFoundException($"No folder above {AppContext.BaseDirectory} holds RemoteCam.sln.");
    }

    /// <summary>A new anonymous user, signed up through the relay's Identity Toolkit endpoint.</summary>
    public async Task<User> SignUpAsync()
    {
        using var response = await Relay.Http.PostAsJsonAsync(
            new Uri(Relay.Relay.Url, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=remotecam-relay"), new { returnSecureToken = true });
        Assert.True(response.IsSuccessStatusCode, $"signUp → {(int)response.StatusCode}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new User(body.RootElement.GetProperty("localId").GetString()!, body.RootElement.GetProperty("idToken").GetString()!);
    }

    /// <summary>Creates a room as <c>remotecam rooms create</c> does: meta and both proofs, as admin.</summary>
    public async Task<Room> CreateRoomAsync(string name = "Home")
    {
        var room = Room.New();
        await AdminPutAsync($"rooms/{room.Id}/meta", JsonSerializer.Serialize(new { name, created = new Dictionary<string, string> { [".sv"] = "timestamp" }, owner = "cli" }));
        await AdminPutAsync($"pairing/{room.Id}", JsonSerializer.Serialize(new { camera = room.CameraProof, viewer = room.ViewerProof }));
        return room;
    }

    /// <summary>Writes new secrets' proofs as <c>remotecam rooms rotate</c> does; returns the room with its new secrets.</summary>
    public async Task<Room> RotateAsync(Room room)
    {
        var rotated = room with { CameraSecret = Pairing.NewSecret(), ViewerSecret = Pairing.NewSecret() };
        await AdminPutAsync($"pairing/{room.Id}", JsonSerializer.Serialize(new { camera = rotated.CameraProof, viewer = rotated.ViewerProof }));
        return rotated;
    }

    /// <summary>The membership a page writes when it joins (docs/protocol.md, Joining).</summary>
    public static string Membership(string role, string proof, string name = "Phone") =>
        $$"""{"role":"{{role}}","name":"{{name}}","joined":{".sv":"timestamp"},"proof":"{{proof}}"}""";

    /// <summary>Joins <paramref name="room"/> as <paramref name="user"/> with the invitation of <paramref name="role"/>; fails the test if refused.</summary>
    public async Task JoinAsync(Room room, User user, string role, string name = "Phone")
    {
        var response = await Relay.PutAsync($"rooms/{room.Id}/members/{user.Uid}", Membership(role, room.ProofFor(role), name), user.Auth);
        Assert.True(response.Status == 200, $"{role} {user.Uid} could not join: {response}");
    }

    /// <summary>A new anonymous user that has joined <paramref name="room"/> as <paramref name="role"/>.</summary>
    public async Task<User> NewMemberAsync(Room room, string role)
    {
        var user = await SignUpAsync();
        await JoinAsync(room, user, role);
        return user;
    }

    /// <summary>A camera that has joined and written its presence (so viewers may call it).</summary>
    public async Task<User> NewOnlineCameraAsync(Room room)
    {
        var camera = await NewMemberAsync(room, "camera");
        await AssertAllowedAsync("PUT", $"rooms/{room.Id}/cameras/{camera.Uid}", Presence(), camera);
        return camera;
    }

    /// <summary>A camera's presence as the camera page writes it.</summary>
    public static string Presence(string name = "Hall", bool online = true) =>
        $$$"""{"name":"{{{name}}}","online":{{{(online ? "true" : "false")}}},"lastSeen":{".sv":"timestamp"},"battery":{"level":0.5,"charging":false}}""";

    public async Task AdminPutAsync(string path, string json)
    {
        var response = await Relay.PutAsync(path, json, Admin);
        Assert.True(response.Status == 200, $"admin PUT /{path}.json {json} → {response}");
    }

    public async Task AdminDeleteAsync(string path)
    {
        var response = await Relay.DeleteAsync(path, Admin);
        Assert.True(response.Status == 200, $"admin DELETE /{path}.json → {response}");
    }

    /// <summary>The value at <paramref name="path"/> as the admin sees it.</summary>
    public Task<string> AdminReadAsync(string path) => Relay.ReadAsync(path, Admin);

    /// <summary>Sends a request as <paramref name="who"/> (null: signed out).</summary>
    public Task<RelayResponse> SendAsync(string method, string path, string? body, User? who) =>
        Relay.SendAsync(method, path, body, who?.Auth ?? "");

    /// <summary>The request succeeds (200).</summary>
    public async Task<RelayResponse> AssertAllowedAsync(string method, string path, string? body, User? who)
    {
        var response = await SendAsync(method, path, body, who);
        Assert.True(response.Status == 200, $"{method} /{path}.json {Shorten(body)} by {who?.Uid ?? "a signed-out client"} should be allowed → {response}");
        return response;
    }

    /// <summary>
    /// The request is refused with Firebase's <c>401 Permission denied</c>, and the room and its
    /// proofs are exactly as before (read back as admin).
    /// </summary>
    public async Task AssertRefusedAsync(Room room, string method, string path, string? body, User? who)
    {
        var before = await RoomStateAsync(room);
        var response = await SendAsync(method, path, body, who);
        Assert.True(response.Status == 401, $"{method} /{path}.json {Shorten(body)} by {who?.Uid ?? "a signed-out client"} should be refused → {response}");
        Assert.Equal("Permission denied", response.Error);
        JsonAssert.Equal(before, await RoomStateAsync(room));
    }

    /// <summary>A read (GET) is refused with 401 Permission denied.</summary>
    public async Task AssertUnreadableAsync(string path, User? who, string query = "")
    {
        var auth = who?.Auth ?? "";
        var response = await Relay.GetAsync(path, string.Join('&', new[] { auth, query }.Where(q => q.Length > 0)));
        Assert.True(response.Status == 401, $"GET /{path}.json?{query} by {who?.Uid ?? "a signed-out client"} should be refused → {response}");
        Assert.Equal("Permission denied", response.Error);
    }

    /// <summary>The HTTP status of opening an event stream on <paramref name="path"/> as <paramref name="who"/>.</summary>
    public async Task<int> StreamStatusAsync(string path, User? who)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relay.UrlOf(path, who?.Auth ?? ""));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var timeout = new CancellationTokenSource(SseStream.EventTimeout);
        using var response = await Relay.StreamHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return (int)response.StatusCode;
    }

    /// <summary>Reads the stream until it gets <c>cancel</c> ("Permission denied") and ends; fails if it does not within 10 s.</summary>
    public static async Task AssertCancelledAsync(SseStream stream)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        SseEvent next;
        do
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "the stream was not cancelled within 10 s");
            next = await stream.NextAsync(left);
        }
        while (next.Event is "put" or "patch" or "keep-alive");
        Assert.Equal("cancel", next.Event);
        Assert.Equal("\"Permission denied\"", next.Data);
        Assert.True(await stream.EndsWithinAsync(TimeSpan.FromSeconds(10)), "the stream stayed open after cancel");
    }

    private async Task<string> RoomStateAsync(Room room) =>
        $$"""{"room":{{await AdminReadAsync($"rooms/{room.Id}")}},"pairing":{{await AdminReadAsync($"pairing/{room.Id}")}}}""";

    private static string Shorten(string? body) => body is null ? "" : body.Length > 120 ? body[..120] + "…" : body;
}

/// <summary>An anonymous user of the relay.</summary>
public sealed record User(string Uid, string IdToken)
{
    /// <summary>The query parameter that authenticates a request as this user.</summary>
    public string Auth => "auth=" + IdToken;
}

/// <summary>A room as the owner's machine knows it: its id and the two invitation secrets.</summary>
public sealed record Room(string Id, byte[] CameraSecret, byte[] ViewerSecret)
{
    public static Room New() => new(Pairing.NewRoomId(), Pairing.NewSecret(), Pairing.NewSecret());

    public string CameraProof => Pairing.Proof(CameraSecret, Id, "camera");

    public string ViewerProof => Pairing.Proof(ViewerSecret, Id, "viewer");

    public string ProofFor(string role) => role switch
    {
        "camera" => CameraProof,
        "viewer" => ViewerProof,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "camera or viewer"),
    };
}

/// <summary>Room ids, secrets and proofs exactly as docs/pairing.md defines them.</summary>
public static class Pairing
{
    /// <summary>15 random bytes, base64url without padding: 20 characters.</summary>
    public static string NewRoomId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(15));

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(32);

    /// <summary><c>base64url(SHA-256(secret || UTF-8("remotecam-pairing-v1|" + roomId + "|" + role)))</c>.</summary>
    public static string Proof(byte[] secret, string roomId, string role) =>
        Base64Url.EncodeToString(SHA256.HashData([.. secret, .. Encoding.UTF8.GetBytes("remotecam-pairing-v1|" + roomId + "|" + role)]));
}
