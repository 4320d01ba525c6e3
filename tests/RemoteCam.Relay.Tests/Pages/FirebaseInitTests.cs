using System.Net;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Tests.Pages;

/// <summary><c>/__/firebase/init.json</c>: how a page finds the relay's database and sign-in (docs/protocol.md, Backend discovery).</summary>
public sealed class FirebaseInitTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private Uri InitUrl => new(relay.Relay.Url, "/__/firebase/init.json");

    [Fact]
    public async Task It_names_this_origin_for_the_database_and_sign_in()
    {
        var response = await relay.SendAsync("GET", InitUrl, null);
        var origin = $"http://127.0.0.1:{relay.Relay.Url.Port}";

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Header("Cache-Control"));
        JsonAssert.Equal(
            $$"""{"projectId":"demo-remotecam","apiKey":"remotecam-relay","databaseURL":"{{origin}}/?ns=remotecam","authEmulatorUrl":"{{origin}}","storageBucket":"demo-remotecam.appspot.com","storageEmulatorUrl":"{{origin}}","iceServers":[]}""",
            response.Body);
    }

    [Theory]
    [InlineData("192.168.1.20:9443", "http://192.168.1.20:9443")]
    [InlineData("myhost.local:9000", "http://myhost.local:9000")]
    [InlineData("localhost", "http://localhost")]
    [InlineData("[fd00::20]:9443", "http://[fd00::20]:9443")]
    [InlineData("Camera-Host.example.", "http://Camera-Host.example.")]
    public async Task The_origin_follows_the_host_the_request_used(string host, string origin)
    {
        var answer = await RawHttp.SendAsync(relay.Relay.Url, "GET", "/__/firebase/init.json", host);

        Assert.Equal(200, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        Assert.Equal(origin + "/?ns=remotecam", json.RootElement.GetProperty("databaseURL").GetString());
        Assert.Equal(origin, json.RootElement.GetProperty("authEmulatorUrl").GetString());
    }

    [Theory]
    [InlineData("evil\"},\"apiKey\":\"x")]
    [InlineData("evil.com\\u0022")]
    [InlineData("host:99999")]
    [InlineData("host:0")]
    [InlineData("[zz::1]:9000")]
    [InlineData("-dash.example")]
    [InlineData("under_score.example")]
    [InlineData("host:port")]
    [InlineData("a..b:80")]
    [InlineData("")]
    public async Task A_host_header_that_is_not_a_plain_host_is_refused(string host)
    {
        var answer = await RawHttp.SendAsync(relay.Relay.Url, "GET", "/__/firebase/init.json", host);

        // Kestrel refuses some of these itself (400, empty body); the rest reach the relay's check.
        Assert.True(answer.Status == 400, $"{host}: {answer.Head}\n{answer.Body}");
        Assert.DoesNotContain("databaseURL", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host:99999")]
    [InlineData("under_score.example")]
    [InlineData("a..b:80")]
    public async Task A_refused_host_that_reaches_the_relay_gets_a_firebase_shaped_error(string host)
    {
        var answer = await RawHttp.SendAsync(relay.Relay.Url, "GET", "/__/firebase/init.json", host);

        Assert.Equal(400, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        Assert.StartsWith("Invalid Host header", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_is_answered_before_the_database_even_when_rules_deny_every_read()
    {
        var folder = Path.Combine(Path.GetTempPath(), "remotecam-init-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var rules = Path.Combine(folder, "database.rules.json");
        await File.WriteAllTextAsync(rules, """{ "rules": { ".read": false, ".write": false } }""");
        try
        {
            await using var locked = await RelayFixture.StartAsync(new RelayOptions { RulesFile = rules, ProjectId = "demo-other", DefaultNamespace = "house" });
            var init = await locked.SendAsync("GET", new Uri(locked.Relay.Url, "/__/firebase/init.json"), null);
            var database = await locked.SendAsync("GET", new Uri(locked.Relay.Url, "/__/firebase/other.json"), null);

            Assert.Equal(200, init.Status);
            Assert.Equal("demo-other", init.Json.GetProperty("projectId").GetString());
            Assert.EndsWith("/?ns=house", init.Json.GetProperty("databaseURL").GetString(), StringComparison.Ordinal);
            Assert.Equal(401, database.Status);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Writing_it_is_a_405(string method)
    {
        var response = await relay.SendAsync(method, InitUrl, "{}"u8.ToArray());

        Assert.Equal(405, response.Status);
        JsonAssert.IsErrorBody(response);
    }

    [Fact]
    public async Task A_page_following_it_signs_in_and_reaches_the_database()
    {
        var init = (await relay.SendAsync("GET", InitUrl, null)).Json;
        var apiKey = init.GetProperty("apiKey").GetString();
        var authUrl = init.GetProperty("authEmulatorUrl").GetString();
        var databaseUrl = new Uri(init.GetProperty("databaseURL").GetString()!);

        using var signUp = await relay.Http.PostAsync(
            $"{authUrl}/identitytoolkit.googleapis.com/v1/accounts:signUp?key={apiKey}",
            new StringContent("{\"returnSecureToken\":true}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        using var account = JsonDocument.Parse(await signUp.Content.ReadAsStringAsync());
        var idToken = account.RootElement.GetProperty("idToken").GetString();

        var path = RelayFixture.NewPath();
        var ns = databaseUrl.Query.TrimStart('?');
        var url = new Uri($"{databaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{path}.json?{ns}&auth={idToken}");
        using var put = await relay.Http.PutAsync(url, new StringContent("\"hello\"", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        JsonAssert.Equal("\"hello\"", await relay.ReadAsync(path));
    }
}
