using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Tests.Storage;

/// <summary>
/// The repository's storage.rules enforced by the relay over plain HTTP (the Firebase Storage
/// REST API as the pages send it), with devices signed in at the relay: every refusal is
/// Firebase Storage's <c>403 {"error": {"code": 403, "message": "Permission denied."}}</c>.
/// </summary>
public sealed class StorageRulesHttpTests : IAsyncLifetime
{
    private const string Denied = """{"error":{"code":403,"message":"Permission denied."}}""";
    private const string Key = "AbCdEfGhIjKlMnOpQrStUv";
    private RelayFixture _relay = null!;

    public async Task InitializeAsync() =>
        _relay = await RelayFixture.StartAsync(new RelayOptions { StorageRulesFile = ForeignClients.Sdk.StorageRules.RepositoryFile() });

    public Task DisposeAsync() => _relay.DisposeAsync();

    private async Task<(string Uid, string Token)> SignUpAsync()
    {
        using var response = await _relay.Http.PostAsJsonAsync(new Uri(_relay.Relay.Url, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=k"), new { returnSecureToken = true });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("localId").GetString()!, body.RootElement.GetProperty("idToken").GetString()!);
    }

    private Uri ObjectUrl(string name, string query = "") =>
        new(_relay.Relay.Url, $"v0/b/demo-remotecam.appspot.com/o/{Uri.EscapeDataString(name)}{query}");

    /// <summary>A multipart upload as firebase/storage's uploadBytes sends it.</summary>
    private async Task<(int Status, string Body)> UploadAsync(string? token, string name, int size, string contentType = "application/octet-stream")
    {
        const string boundary = "4242";
        using var body = new MemoryStream();
        body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{{\"name\":\"{name}\",\"contentType\":\"{contentType}\"}}\r\n--{boundary}\r\nContent-Type: {contentType}\r\n\r\n"));
        body.Write(new byte[size]);
        body.Write(Encoding.UTF8.GetBytes($"\r\n--{boundary}--"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_relay.Relay.Url, $"v0/b/demo-remotecam.appspot.com/o?name={Uri.EscapeDataString(name)}"))
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; boundary={boundary}");
        request.Headers.TryAddWithoutValidation("X-Goog-Upload-Protocol", "multipart");
        return await SendAsync(request, token);
    }

    private async Task<(int Status, string Body)> SendAsync(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Firebase", token);
        }

        using var response = await _relay.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<(int Status, string Body)> SendAsync(HttpMethod method, Uri url, string? token) => SendAsync(new HttpRequestMessage(method, url), token);

    [Fact]
    public async Task Refuses_what_the_clip_contract_forbids_in_firebase_storage_shape()
    {
        var camera = await SignUpAsync();
        var viewer = await SignUpAsync();
        var chunk = $"clips/{Key}/{camera.Uid}/c1/0";

        Assert.Equal(200, (await UploadAsync(camera.Token, chunk, 1000)).Status);
        var refused = new Dictionary<string, (int Status, string Body)>
        {
            ["stranger writes"] = await UploadAsync(null, $"clips/{Key}/{camera.Uid}/c1/1", 1000),
            ["viewer writes the camera's path"] = await UploadAsync(viewer.Token, $"clips/{Key}/{camera.Uid}/c1/1", 1000),
            ["camera overwrites"] = await UploadAsync(camera.Token, chunk, 1000),
            ["oversize"] = await UploadAsync(camera.Token, $"clips/{Key}/{camera.Uid}/c1/2", 262_209),
            ["wrong type"] = await UploadAsync(camera.Token, $"clips/{Key}/{camera.Uid}/c1/3", 1000, "video/webm"),
            ["outside clips/"] = await UploadAsync(camera.Token, $"other/{camera.Uid}/x", 10),
            ["short path key"] = await UploadAsync(camera.Token, $"clips/short/{camera.Uid}/c1/0", 10),
            ["stranger reads"] = await SendAsync(HttpMethod.Get, ObjectUrl(chunk, "?alt=media"), null),
            ["stranger reads metadata"] = await SendAsync(HttpMethod.Get, ObjectUrl(chunk), null),
            ["viewer lists"] = await SendAsync(HttpMethod.Get, new Uri(_relay.Relay.Url, $"v0/b/demo-remotecam.appspot.com/o?prefix={Uri.EscapeDataString($"clips/{Key}/{camera.Uid}/c1/")}&delimiter=%2F"), viewer.Token),
            ["camera lists"] = await SendAsync(HttpMethod.Get, new Uri(_relay.Relay.Url, $"v0/b/demo-remotecam.appspot.com/o?prefix={Uri.EscapeDataString($"clips/{Key}/")}"), camera.Token),
            ["viewer deletes"] = await SendAsync(HttpMethod.Delete, ObjectUrl(chunk), viewer.Token),
            ["stranger deletes"] = await SendAsync(HttpMethod.Delete, ObjectUrl(chunk), null),
        };
        foreach (var (what, (status, body)) in refused)
        {
            Assert.True(status == 403 && body == Denied, $"{what}: {status} {body}");
        }

        var read = await SendAsync(HttpMethod.Get, ObjectUrl(chunk, "?alt=media"), viewer.Token);
        Assert.Equal(200, read.Status);
        Assert.Equal(1000, read.Body.Length);
        Assert.Equal(204, (await SendAsync(HttpMethod.Delete, ObjectUrl(chunk), camera.Token)).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, ObjectUrl(chunk), viewer.Token)).Status);
    }

    [Fact]
    public async Task A_refused_upload_leaves_nothing_behind()
    {
        var camera = await SignUpAsync();
        var name = $"clips/{Key}/{camera.Uid}/c2/0";
        Assert.Equal(403, (await UploadAsync(camera.Token, name, 262_209)).Status);
        Assert.Equal(404, (await SendAsync(HttpMethod.Get, ObjectUrl(name), camera.Token)).Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(_relay.DataDirectory, ".storage", "tmp")));
    }

    [Fact]
    public async Task A_token_the_relay_did_not_sign_is_refused_with_401()
    {
        var (status, body) = await UploadAsync("not.a.token", $"clips/{Key}/someone/c1/0", 10);
        Assert.Equal(401, status);
        Assert.StartsWith("{\"error\":{\"code\":401,", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_rules_file_only_the_admin_may_use_storage()
    {
        await using var open = await RelayFixture.StartAsync();
        using var signUp = await open.Http.PostAsJsonAsync(new Uri(open.Relay.Url, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=k"), new { returnSecureToken = true });
        var token = JsonDocument.Parse(await signUp.Content.ReadAsStringAsync()).RootElement.GetProperty("idToken").GetString();
        foreach (var (auth, expected) in new[] { ($"Firebase {token}", 403), ("Firebase owner", 200) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(open.Relay.Url, "v0/b/demo-remotecam.appspot.com/o?name=a%2Fb"))
            {
                Content = new ByteArrayContent([1, 2, 3]),
            };
            request.Headers.TryAddWithoutValidation("Authorization", auth);
            using var response = await open.Http.SendAsync(request);
            Assert.Equal(expected, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task A_broken_rules_file_stops_the_relay_from_starting_with_its_position()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.rules");
        await File.WriteAllTextAsync(file, "rules_version = '2';\nservice firebase.storage {\n  match /b/{bucket}/o {\n    allow read: if exists(/x);\n  }\n}\n");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => RelayFixture.StartAsync(new RelayOptions { StorageRulesFile = file }));
            Assert.Contains("Line 4, column 20: Function 'exists' is not supported", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
