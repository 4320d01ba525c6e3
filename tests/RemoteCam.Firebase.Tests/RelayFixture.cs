using RemoteCam.Relay;

namespace RemoteCam.Firebase.Tests;

/// <summary>
/// A real relay on a free port with a fresh temporary data directory. Tests isolate themselves by
/// using their own database (<c>?ns=</c>), which the relay creates on first use.
/// </summary>
public sealed class RelayFixture : IAsyncLifetime
{
    private RelayServer? relay;

    /// <summary>One connection pool for all clients. Redirects are followed by the client itself, keeping auth.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "remotecam-firebase-tests-" + Guid.NewGuid().ToString("N"));

    public Uri Url => relay?.Url ?? throw new InvalidOperationException("The relay is not running.");

    public async Task InitializeAsync()
    {
        relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, DataDirectory = DataDirectory });
    }

    public async Task DisposeAsync()
    {
        if (relay is not null)
        {
            await relay.DisposeAsync();
        }

        Http.Dispose();
        DeleteDirectory(DataDirectory);
    }

    /// <summary>A client for a database of its own, so tests never see each other's data.</summary>
    public FirebaseDatabaseClient NewDatabase(FirebaseAuth? auth = null, FirebaseDatabaseClientOptions? options = null) =>
        new(new Uri(Url, "?ns=" + NewNamespace()), Http, auth, options);

    public static string NewNamespace() => "t-" + Guid.NewGuid().ToString("N")[..16];

    public static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RelayCollection : ICollectionFixture<RelayFixture>
{
    public const string Name = "relay";
}
