using System.Text.Json;

using Google.Apis.Auth.OAuth2;

namespace RemoteCam.Cli.Profiles;

/// <summary>A Google service-account key file, turned into OAuth access tokens for the database REST API.</summary>
internal static class ServiceAccount
{
    private static readonly string[] Scopes =
    [
        "https://www.googleapis.com/auth/firebase.database",
        "https://www.googleapis.com/auth/userinfo.email",
    ];

    /// <summary>Checks the file is a readable service-account key before anything is saved.</summary>
    public static bool TryValidate(string path, out string? clientEmail, out string? error)
    {
        clientEmail = null;
        error = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the credentials file {path}: {e.Message}";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "service_account")
            {
                error = $"{path} is not a service-account key (its \"type\" is not \"service_account\"). "
                    + "Create one in the Firebase console → Project settings → Service accounts → Generate new private key.";
                return false;
            }

            foreach (var field in (string[])["client_email", "private_key"])
            {
                if (!root.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
                {
                    error = $"{path} has no \"{field}\": download the service-account key again.";
                    return false;
                }
            }

            clientEmail = root.GetProperty("client_email").GetString();
            return true;
        }
        catch (JsonException e)
        {
            error = $"{path} is not valid JSON ({e.Message}); it should be the service-account key file downloaded from the Firebase console.";
            return false;
        }
    }

    /// <summary>
    /// A token source for <c>FirebaseAuth.Bearer</c>: the library caches the token and refreshes it
    /// before it expires. Failures to get a token surface as <see cref="CredentialException"/>.
    /// </summary>
    public static bool TryCreateTokenSource(string path, out Func<CancellationToken, ValueTask<string?>>? source, out string? error)
    {
        source = null;
        error = null;
        GoogleCredential credential;
        try
        {
            credential = CredentialFactory.FromFile<ServiceAccountCredential>(path).ToGoogleCredential().CreateScoped(Scopes);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or IOException
            or System.Security.Cryptography.CryptographicException)
        {
            error = $"the service-account key in {path} cannot be used ({e.Message}); download a new key in the Firebase console → Project settings → Service accounts.";
            return false;
        }

        source = async cancellationToken =>
        {
            try
            {
                return await credential.UnderlyingCredential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
            }
            catch (Google.Apis.Auth.OAuth2.Responses.TokenResponseException e)
            {
                throw new CredentialException(
                    $"Google refused the service-account key ({e.Error?.Error}: {e.Error?.ErrorDescription}); "
                    + "download a new key in the Firebase console → Project settings → Service accounts.", e);
            }
            catch (HttpRequestException e)
            {
                throw new CredentialException($"cannot get an access token from Google ({e.Message}): check the network.", e);
            }
        };
        return true;
    }
}

/// <summary>No access token could be had for a service account; the message says what to do.</summary>
internal sealed class CredentialException(string message, Exception inner) : Exception(message, inner);
