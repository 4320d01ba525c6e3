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

    /// <summary>A token source for <c>FirebaseAuth.Bearer</c>: the library caches the token and refreshes it before it expires.</summary>
    public static Func<CancellationToken, ValueTask<string?>> TokenSource(string path)
    {
        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(path).ToGoogleCredential().CreateScoped(Scopes);
        return async cancellationToken => await credential.UnderlyingCredential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
    }
}
