using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Auth;

namespace RemoteCam.Relay.Tests.Auth;

/// <summary>Anonymous sign-in and tokens over real HTTP, in the shapes of Google's REST APIs.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string SignUp = "identitytoolkit.googleapis.com/v1/accounts:signUp?key=any-key";
    private const string Refresh = "securetoken.googleapis.com/v1/token?key=any-key";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "remotecam-auth-" + Guid.NewGuid().ToString("N"));
    private RelayServer _relay = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _relay = await StartAsync(new RelayOptions());
        _http = new HttpClient { BaseAddress = _relay.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _relay.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private Task<RelayServer> StartAsync(RelayOptions options) =>
        RelayServer.StartAsync(options with { Port = 0, DataDirectory = _data });

    [Fact]
    public async Task Sign_up_returns_Firebase_shaped_tokens_with_Firebase_claims()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await _http.PostAsJsonAsync(SignUp, new { returnSecureToken = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("3600", root.GetProperty("expiresIn").GetString());
        Assert.Equal("", root.GetProperty("email").GetString());
        var uid = root.GetProperty("localId").GetString()!;
        Assert.Equal(28, uid.Length);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("refreshToken").GetString()));

        var claims = ClaimsOf(root.GetProperty("idToken").GetString()!);
        Assert.Equal("https://securetoken.google.com/demo-remotecam", claims.GetProperty("iss").GetString());
        Assert.Equal("demo-remotecam", claims.GetProperty("aud").GetString());
        Assert.Equal(uid, claims.GetProperty("sub").GetString());
        Assert.Equal(uid, claims.GetProperty("user_id").GetString());
        Assert.Equal("anonymous", claims.GetProperty("provider_id").GetString());
        Assert.Equal("anonymous", claims.GetProperty("firebase").GetProperty("sign_in_provider").GetString());
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(iat + 3600, claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Each_sign_up_is_a_new_user()
    {
        var a = await SignUpAsync();
        var b = await SignUpAsync();
        Assert.NotEqual(a.Uid, b.Uid);
    }

    [Fact]
    public async Task Refresh_with_a_form_body_returns_a_new_id_token_for_the_same_user()
    {
        var user = await SignUpAsync();
        using var response = await _http.PostAsync(Refresh, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = user.RefreshToken,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(user.Uid, root.GetProperty("user_id").GetString());
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.Equal("3600", root.GetProperty("expires_in").GetString());
        Assert.Equal(user.RefreshToken, root.GetProperty("refresh_token").GetString());
        Assert.Equal(user.Uid, ClaimsOf(root.GetProperty("id_token").GetString()!).GetProperty("user_id").GetString());
        Assert.Equal(root.GetProperty("id_token").GetString(), root.GetProperty("access_token").GetString());
    }

    public static TheoryData<string, HttpStatusCode, string> BadRefreshes => new()
    {
        { "grant_type=refresh_token&refresh_token=nope", HttpStatusCode.BadRequest, "INVALID_REFRESH_TOKEN" },
        { "grant_type=refresh_token", HttpStatusCode.BadRequest, "MISSING_REFRESH_TOKEN" },
        { "grant_type=password&refresh_token=x", HttpStatusCode.BadRequest, "INVALID_GRANT_TYPE" },
    };

    [Theory]
    [MemberData(nameof(BadRefreshes))]
    public async Task Bad_refreshes_get_Google_shaped_errors(string form, HttpStatusCode status, string message)
    {
        using var response = await _http.PostAsync(Refresh, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal((int)status, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(message, error.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sign_up_without_an_api_key_is_refused_like_Google_does()
    {
        using var response = await _http.PostAsJsonAsync("identitytoolkit.googleapis.com/v1/accounts:signUp", new { returnSecureToken = true });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("PERMISSION_DENIED", body.RootElement.GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Email_sign_up_is_refused_clearly()
    {
        using var response = await _http.PostAsJsonAsync(SignUp, new { email = "a@example.com", password = "secret123" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("OPERATION_NOT_ALLOWED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Id_tokens_work_as_auth_parameter_and_bearer_header()
    {
        var user = await SignUpAsync();
        using var viaQuery = await _http.GetAsync($"x.json?auth={user.IdToken}");
        Assert.Equal(HttpStatusCode.OK, viaQuery.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "x.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.IdToken);
        using var viaHeader = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
    }

    public static TheoryData<string> ForeignTokens => new()
    {
        "not-a-token",
        // Unsigned (alg: none), as the emulators issue: refused unless the relay accepts them.
        Jwt("""{"alg":"none","typ":"JWT"}""", """{"sub":"mallory","user_id":"mallory","exp":9999999999,"aud":"demo-remotecam"}""", ""),
        // Signed with somebody else's key.
        Jwt("""{"alg":"HS256","typ":"JWT"}""", """{"sub":"mallory","user_id":"mallory","exp":9999999999,"aud":"demo-remotecam"}""", "c2lnbmF0dXJl"),
    };

    [Theory]
    [MemberData(nameof(ForeignTokens))]
    public async Task Unsigned_and_foreign_tokens_are_refused_by_default(string token)
    {
        using var response = await _http.GetAsync($"x.json?auth={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"Could not parse auth token."}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unsigned_tokens_are_accepted_when_the_relay_is_told_to()
    {
        await using var relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, AcceptUnsignedTokens = true });
        using var http = new HttpClient { BaseAddress = relay.Url };
        var token = Jwt("""{"alg":"none","typ":"JWT"}""", """{"sub":"alice","user_id":"alice","exp":9999999999}""", "");
        using var response = await http.GetAsync($"x.json?auth={token}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Expired_tokens_are_refused_with_a_clear_message()
    {
        var tokens = new TokenService(SigningKey(), "demo-remotecam", acceptUnsigned: false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expired = tokens.Issue("alice", "anonymous", now - 7200, now - 3700);
        using var response = await _http.GetAsync($"x.json?auth={expired}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"Auth token is expired"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stream_gets_auth_revoked_when_its_token_expires()
    {
        var tokens = new TokenService(SigningKey(), "demo-remotecam", acceptUnsigned: false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var shortLived = tokens.Issue("alice", "anonymous", now, now - 3600 + 2);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"x.json?auth={shortLived}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var text = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("event: put\ndata: {\"path\":\"/\",\"data\":null}\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("event: auth_revoked\ndata: \"credential is no longer valid\"\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_and_refresh_tokens_survive_a_restart()
    {
        var user = await SignUpAsync();
        await _relay.DisposeAsync();
        _relay = await StartAsync(new RelayOptions());
        _http.Dispose();
        _http = new HttpClient { BaseAddress = _relay.Url };
        using var response = await _http.PostAsync(Refresh, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = user.RefreshToken,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The old ID token, signed before the restart, is still good.
        using var read = await _http.GetAsync($"x.json?auth={user.IdToken}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task The_admin_key_is_admin_and_owner_is_admin_from_loopback()
    {
        using var owner = await _http.GetAsync("x.json?auth=owner");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        using var key = await _http.GetAsync($"x.json?auth={_relay.AdminKey}");
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
        var keyFile = Path.Combine(_data, ".auth", "admin.key");
        Assert.Equal(_relay.AdminKey, File.ReadAllText(keyFile).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
    }

    private byte[] SigningKey() => Convert.FromHexString(File.ReadAllText(Path.Combine(_data, ".auth", "signing.key")).Trim());

    private async Task<(string Uid, string IdToken, string RefreshToken)> SignUpAsync()
    {
        using var response = await _http.PostAsJsonAsync(SignUp, new { returnSecureToken = true });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return (root.GetProperty("localId").GetString()!, root.GetProperty("idToken").GetString()!, root.GetProperty("refreshToken").GetString()!);
    }

    private static JsonElement ClaimsOf(string jwt)
    {
        using var document = JsonDocument.Parse(TokenService.FromBase64Url(jwt.Split('.')[1]));
        return document.RootElement.Clone();
    }

    private static string Jwt(string header, string payload, string signature) =>
        TokenService.Base64Url(Encoding.UTF8.GetBytes(header)) + "." + TokenService.Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + signature;
}
