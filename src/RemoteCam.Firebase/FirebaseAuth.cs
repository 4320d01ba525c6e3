namespace RemoteCam.Firebase;

/// <summary>How a <see cref="FirebaseAuth"/> credential is attached to a request.</summary>
public enum FirebaseAuthMode
{
    /// <summary>No credential is sent.</summary>
    None,

    /// <summary>The token goes in the <c>auth</c> query parameter (Firebase ID token or legacy database secret).</summary>
    QueryParameter,

    /// <summary>The token goes in an <c>Authorization: Bearer</c> header (OAuth2 access token, or the emulator's <c>owner</c>).</summary>
    BearerHeader,
}

/// <summary>
/// The credential a <see cref="FirebaseDatabaseClient"/> sends. The token source is asked for a token
/// before every request and every stream (re)connection, so it can refresh expiring tokens.
/// </summary>
public sealed class FirebaseAuth
{
    private readonly Func<CancellationToken, ValueTask<string?>>? tokenSource;

    private FirebaseAuth(FirebaseAuthMode mode, Func<CancellationToken, ValueTask<string?>>? tokenSource)
    {
        Mode = mode;
        this.tokenSource = tokenSource;
    }

    /// <summary>Unauthenticated requests.</summary>
    public static FirebaseAuth None { get; } = new(FirebaseAuthMode.None, null);

    /// <summary>Admin access on the Realtime Database emulator (<c>Authorization: Bearer owner</c>).</summary>
    public static FirebaseAuth EmulatorOwner { get; } = Bearer("owner");

    /// <summary>How the token is attached.</summary>
    public FirebaseAuthMode Mode { get; }

    /// <summary>A fixed Firebase ID token (or database secret), sent as <c>?auth=</c>.</summary>
    public static FirebaseAuth IdToken(string idToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idToken);
        return new(FirebaseAuthMode.QueryParameter, _ => ValueTask.FromResult<string?>(idToken));
    }

    /// <summary>A refreshable Firebase ID token, sent as <c>?auth=</c>. A null token sends no credential.</summary>
    public static FirebaseAuth IdToken(Func<CancellationToken, ValueTask<string?>> tokenSource)
    {
        ArgumentNullException.ThrowIfNull(tokenSource);
        return new(FirebaseAuthMode.QueryParameter, tokenSource);
    }

    /// <summary>A fixed bearer token (OAuth2 access token, or <c>owner</c> on the emulator).</summary>
    public static FirebaseAuth Bearer(string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new(FirebaseAuthMode.BearerHeader, _ => ValueTask.FromResult<string?>(accessToken));
    }

    /// <summary>A refreshable bearer token. A null token sends no credential.</summary>
    public static FirebaseAuth Bearer(Func<CancellationToken, ValueTask<string?>> tokenSource)
    {
        ArgumentNullException.ThrowIfNull(tokenSource);
        return new(FirebaseAuthMode.BearerHeader, tokenSource);
    }

    /// <summary>Gets the current token, or null when no credential should be sent.</summary>
    public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        tokenSource is null ? ValueTask.FromResult<string?>(null) : tokenSource(cancellationToken);
}
