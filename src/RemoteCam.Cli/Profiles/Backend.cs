using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

using RemoteCam.Firebase;
using RemoteCam.Relay;

namespace RemoteCam.Cli.Profiles;

/// <summary>
/// A profile made usable: a <see cref="FirebaseDatabaseClient"/> with admin credentials (an OAuth
/// access token from the service account for Firebase, the admin key for a relay), plus the few
/// raw calls the client does not cover (rules as text, anonymous sign-up).
/// </summary>
internal sealed class Backend : IDisposable
{
    private const string GoogleIdentityToolkit = "https://identitytoolkit.googleapis.com/";

    private readonly HttpClient _http;

    private Backend(string name, Profile profile, Uri databaseUrl, FirebaseAuth auth, HttpClient http)
    {
        Name = name;
        Profile = profile;
        DatabaseUrl = databaseUrl;
        _http = http;
        Database = new FirebaseDatabaseClient(databaseUrl, http, auth);
    }

    public string Name { get; }

    public Profile Profile { get; }

    public Uri DatabaseUrl { get; }

    public FirebaseDatabaseClient Database { get; }

    /// <summary>Where anonymous sign-up is checked; null for a Firebase profile without an API key.</summary>
    public Uri? SignUpUrl => Profile.Kind == ProfileKinds.Relay
        ? new Uri(DatabaseUrl, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=relay")
        : Profile.ApiKey is { Length: > 0 } key
            ? new Uri($"{GoogleIdentityToolkit}v1/accounts:signUp?key={Uri.EscapeDataString(key)}")
            : null;

    public static bool TryCreate(string name, Profile profile, out Backend? backend, out string? error, HttpMessageHandler? handler = null)
    {
        backend = null;
        error = null;
        Uri? url;
        FirebaseAuth auth;
        if (profile.Kind == ProfileKinds.Firebase)
        {
            if (!DatabaseUrls.TryParseFirebase(profile.DatabaseUrl ?? "", out url, out error))
            {
                error = $"profile '{name}': {error}";
                return false;
            }

            if (profile.Credentials is null || !ServiceAccount.TryValidate(profile.Credentials, out _, out error))
            {
                error = $"profile '{name}': {error ?? "no credentials file"}";
                return false;
            }

            if (!ServiceAccount.TryCreateTokenSource(profile.Credentials, out var tokens, out error))
            {
                error = $"profile '{name}': {error}";
                return false;
            }

            auth = FirebaseAuth.Bearer(tokens!);
        }
        else if (profile.Kind == ProfileKinds.Relay)
        {
            if (!DatabaseUrls.TryParseRelay(profile.Url ?? "", out url, out error))
            {
                error = $"profile '{name}': {error}";
                return false;
            }

            auth = FirebaseAuth.Bearer(RelayAdminKey(profile));
        }
        else
        {
            error = $"profile '{name}' has an unknown kind \"{profile.Kind}\"; run 'remotecam init' again.";
            return false;
        }

        // Redirects are followed by the database client itself, so the credential is kept.
        var http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        backend = new Backend(name, profile, url!, auth, http);
        return true;
    }

    /// <summary>The relay's admin credential: the given key, else the key in its data directory, else the loopback <c>owner</c> token.</summary>
    internal static string RelayAdminKey(Profile profile)
    {
        if (profile.AdminKey is { Length: > 0 } key)
        {
            return key;
        }

        if (profile.DataDirectory is { } data)
        {
            var file = RelayServer.AdminKeyPath(data);
            try
            {
                if (File.Exists(file))
                {
                    return File.ReadAllText(file).Trim();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Fall back to the owner token, which the relay accepts from this machine.
            }
        }

        return "owner";
    }

    /// <summary>
    /// The server's clock (its <c>Date</c> header on an admin read of the root) and this machine's clock
    /// half-way through the request, so the round trip does not count as skew.
    /// </summary>
    public async Task<(DateTimeOffset Server, DateTimeOffset Local)> GetClocksAsync(CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(DatabaseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/.json";
        builder.Query = (builder.Query.TrimStart('?') is { Length: > 0 } query ? query + "&" : "") + "shallow=true";
        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (await Database.Auth.GetTokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var before = DateTimeOffset.UtcNow;
        using var response = await _http.SendAsync(request, cancellationToken);
        var after = DateTimeOffset.UtcNow;
        await ReadSuccessAsync(response, cancellationToken);
        return response.Headers.Date is { } date
            ? (date, before + ((after - before) / 2))
            : throw new FirebaseException(response.StatusCode, "the answer has no Date header", "");
    }

    /// <summary>The rules in force, as text.</summary>
    public async Task<string> GetRulesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendRulesAsync(HttpMethod.Get, null, dryRun: false, cancellationToken);
        return await ReadSuccessAsync(response, cancellationToken);
    }

    /// <summary>Replaces the rules (or, with <paramref name="dryRun"/>, only has the server check them); the body is the file's text as is.</summary>
    public async Task PutRulesAsync(string text, bool dryRun, CancellationToken cancellationToken)
    {
        using var response = await SendRulesAsync(HttpMethod.Put, text, dryRun, cancellationToken);
        await ReadSuccessAsync(response, cancellationToken);
    }

    /// <summary>
    /// A relay's usage statistics as JSON (<c>GET /.settings/stats.json</c>, docs/relay.md "Usage
    /// statistics"); with <paramref name="reset"/>, <c>DELETE</c> first, so a new measurement starts.
    /// </summary>
    public async Task<string> GetStatsAsync(bool reset, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(DatabaseUrl);
        url.Path = url.Path.TrimEnd('/') + "/.settings/stats.json";
        var token = await Database.Auth.GetTokenAsync(cancellationToken);
        foreach (var method in reset ? new[] { HttpMethod.Delete, HttpMethod.Get } : [HttpMethod.Get])
        {
            using var request = new HttpRequestMessage(method, url.Uri);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await ReadSuccessAsync(response, cancellationToken);
            if (method == HttpMethod.Get)
            {
                return body;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Creates an anonymous account, as a camera or viewer page would; throws <see cref="FirebaseException"/> with Google's error code on refusal.</summary>
    public async Task SignUpAnonymouslyAsync(Uri signUpUrl, CancellationToken cancellationToken)
    {
        using var content = new StringContent("{\"returnSecureToken\":true}", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(signUpUrl, content, cancellationToken);
        await ReadSuccessAsync(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRulesAsync(HttpMethod method, string? body, bool dryRun, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(DatabaseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/.settings/rules.json";
        var query = builder.Query.TrimStart('?');
        if (dryRun)
        {
            query = (query.Length == 0 ? "" : query + "&") + "dryRun=true";
        }

        builder.Query = query;
        using var request = new HttpRequestMessage(method, builder.Uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (await Database.Auth.GetTokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request, cancellationToken);
    }

    private static async Task<string> ReadSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new FirebaseException(response.StatusCode, ErrorOf(body), body);
    }

    /// <summary>The message of <c>{"error": "…"}</c> (database) or <c>{"error": {"message": "…"}}</c> (Identity Toolkit).</summary>
    private static string? ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            return error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Object when error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String => message.GetString(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A one-line reason for a failed call, in the CLI's voice.</summary>
    public static string Describe(Exception e, Uri url) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => $"cannot resolve {url.Host}: check the URL.",
        HttpRequestException h => $"cannot reach {url.GetLeftPart(UriPartial.Authority)} ({h.Message}): is it running, and is the URL right?",
        CredentialException c => c.Message,
        TaskCanceledException => $"{url.GetLeftPart(UriPartial.Authority)} did not answer in time.",
        FirebaseException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } f =>
            $"the credentials were refused ({(int)f.StatusCode}: {f.ServerMessage ?? "no message"}).",
        FirebaseException f => $"the server answered {(int)f.StatusCode}: {f.ServerMessage ?? f.ResponseBody}",
        _ => e.Message,
    };

    public void Dispose() => _http.Dispose();
}
