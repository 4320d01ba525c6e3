using System.Globalization;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Http;

namespace RemoteCam.Relay.Auth;

/// <summary>
/// Anonymous sign-in shaped like Google's Identity Toolkit and Secure Token REST APIs (and the
/// Firebase Auth emulator, which serves them under the same paths):
/// <c>POST /identitytoolkit.googleapis.com/v1/accounts:signUp?key=…</c>,
/// <c>…/v1/accounts:lookup</c> and <c>…/v1/accounts:delete</c> (what the official
/// <c>firebase/auth</c> calls around an anonymous sign-in, a reload and <c>deleteUser</c>) and
/// <c>POST /securetoken.googleapis.com/v1/token?key=…</c>. Errors use Google's error shape.
/// </summary>
internal sealed class AuthEndpoints(AuthService auth, TimeProvider time)
{
    public const string SignUpPath = "/identitytoolkit.googleapis.com/v1/accounts:signUp";
    public const string LookupPath = "/identitytoolkit.googleapis.com/v1/accounts:lookup";
    public const string DeletePath = "/identitytoolkit.googleapis.com/v1/accounts:delete";
    public const string TokenPath = "/securetoken.googleapis.com/v1/token";

    /// <summary>Tokens must never be cached, as Google's servers say.</summary>
    private const string NoStore = "no-cache, no-store, max-age=0, must-revalidate";

    public async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await GoogleErrorAsync(context, StatusCodes.Status404NotFound, "NOT_FOUND", "NOT_FOUND");
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Query["key"]) && string.IsNullOrEmpty(context.Request.Headers["X-Goog-Api-Key"]))
        {
            await GoogleErrorAsync(context, StatusCodes.Status403Forbidden, "The request is missing a valid API key.", "PERMISSION_DENIED");
            return;
        }

        var task = context.Request.Path.Value switch
        {
            SignUpPath => SignUpAsync(context),
            LookupPath => LookupAsync(context),
            DeletePath => DeleteAsync(context),
            _ => RefreshAsync(context),
        };
        await task;
    }

    /// <summary><c>accounts:lookup {idToken}</c>: the account the token names (the SDK reloads the user with it after every sign-in and start).</summary>
    private async Task LookupAsync(HttpContext context)
    {
        var account = await AccountOfTokenAsync(context);
        if (account is null)
        {
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteString("kind", "identitytoolkit#GetAccountInfoResponse");
            w.WriteStartArray("users");
            w.WriteStartObject();
            w.WriteString("localId", account.Uid);
            w.WriteString("createdAt", account.CreatedMs.ToString(CultureInfo.InvariantCulture));
            w.WriteString("lastLoginAt", account.CreatedMs.ToString(CultureInfo.InvariantCulture));
            w.WriteString("lastRefreshAt", DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteStartArray("providerUserInfo");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    /// <summary><c>accounts:delete {idToken}</c> (the SDK's deleteUser): the account and its refresh tokens are gone.</summary>
    private async Task DeleteAsync(HttpContext context)
    {
        var account = await AccountOfTokenAsync(context);
        if (account is null)
        {
            return;
        }

        auth.Accounts.Delete(account.Uid);
        await WriteAsync(context, StatusCodes.Status200OK, w => w.WriteString("kind", "identitytoolkit#DeleteAccountResponse"));
    }

    /// <summary>The account of the body's <c>idToken</c>; null with Google's error written when there is none.</summary>
    private async Task<Account?> AccountOfTokenAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context);
        var idToken = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("idToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(idToken))
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "MISSING_ID_TOKEN", "INVALID_ARGUMENT");
            return null;
        }

        var check = auth.Tokens.Verify(idToken, time.GetUtcNow().ToUnixTimeSeconds());
        if (check.Status != TokenStatus.Valid)
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, check.Status == TokenStatus.Expired ? "TOKEN_EXPIRED" : "INVALID_ID_TOKEN", "INVALID_ARGUMENT");
            return null;
        }

        var account = auth.Accounts.FindByUid(check.Uid!);
        if (account is null)
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "USER_NOT_FOUND", "INVALID_ARGUMENT");
        }

        return account;
    }

    private async Task SignUpAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context);
        if (body is { ValueKind: JsonValueKind.Object } obj
            && (obj.TryGetProperty("email", out _) || obj.TryGetProperty("password", out _) || obj.TryGetProperty("idToken", out _)))
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "OPERATION_NOT_ALLOWED : Only anonymous sign-up is supported by this server.", "INVALID_ARGUMENT");
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!auth.TryCountSignUp(context.Connection.RemoteIpAddress, now))
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "TOO_MANY_ATTEMPTS_TRY_LATER : Too many sign-ups from this address; try again in an hour.", "INVALID_ARGUMENT");
            return;
        }

        var (account, refresh) = auth.Accounts.CreateAnonymous(now);
        var idToken = auth.Tokens.Issue(account.Uid, account.Provider, now / 1000, now / 1000);
        await WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteString("kind", "identitytoolkit#SignupNewUserResponse");
            w.WriteString("idToken", idToken);
            w.WriteString("email", "");
            w.WriteString("refreshToken", refresh);
            w.WriteString("expiresIn", TokenService.LifetimeSeconds.ToString(CultureInfo.InvariantCulture));
            w.WriteString("localId", account.Uid);
        });
    }

    private async Task RefreshAsync(HttpContext context)
    {
        string? grantType, refreshToken;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            grantType = form["grant_type"].ToString();
            refreshToken = form["refresh_token"].ToString();
        }
        else
        {
            var body = await ReadJsonAsync(context);
            grantType = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("grant_type", out var g) ? g.GetString() : null;
            refreshToken = body is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("refresh_token", out var r) ? r.GetString() : null;
        }

        if (string.IsNullOrEmpty(grantType) || grantType != "refresh_token")
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, string.IsNullOrEmpty(grantType) ? "MISSING_GRANT_TYPE" : "INVALID_GRANT_TYPE", "INVALID_ARGUMENT");
            return;
        }

        if (string.IsNullOrEmpty(refreshToken))
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "MISSING_REFRESH_TOKEN", "INVALID_ARGUMENT");
            return;
        }

        var account = auth.Accounts.FindByRefreshToken(refreshToken);
        if (account is null)
        {
            await GoogleErrorAsync(context, StatusCodes.Status400BadRequest, "INVALID_REFRESH_TOKEN", "INVALID_ARGUMENT");
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
        var idToken = auth.Tokens.Issue(account.Uid, account.Provider, account.CreatedMs / 1000, now);
        await WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteString("access_token", idToken);
            w.WriteString("expires_in", TokenService.LifetimeSeconds.ToString(CultureInfo.InvariantCulture));
            w.WriteString("token_type", "Bearer");
            w.WriteString("refresh_token", refreshToken);
            w.WriteString("id_token", idToken);
            w.WriteString("user_id", account.Uid);
            w.WriteString("project_id", auth.Tokens.ProjectId);
        });
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Google's error shape with <c>errors</c> and <c>status</c>, as Identity Toolkit answers.</summary>
    private static Task GoogleErrorAsync(HttpContext context, int code, string message, string status) =>
        Responses.WriteGoogleErrorAsync(context, code, message, code == StatusCodes.Status403Forbidden ? "forbidden" : "invalid", status, NoStore);

    private static Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> writeProperties) =>
        Responses.WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            writeProperties(w);
            w.WriteEndObject();
        }, cacheControl: NoStore);
}
