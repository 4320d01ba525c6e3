using RemoteCam.Relay;

namespace RemoteCam.Firebase.Tests;

/// <summary>The listener survives a relay restart on the same port and data directory.</summary>
public sealed class ReconnectTests : IAsyncLifetime
{
    private static readonly DatabaseListenerOptions FastRetry = new()
    {
        InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    };

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "remotecam-firebase-reconnect-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private RelayServer? relay;

    public async Task InitializeAsync()
    {
        relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, DataDirectory = dataDirectory });
    }

    public async Task DisposeAsync()
    {
        if (relay is not null)
        {
            await relay.DisposeAsync();
        }

        http.Dispose();
        RelayFixture.DeleteDirectory(dataDirectory);
    }

    [Fact]
    public async Task Listener_reconnects_after_a_restart_and_follows_new_writes()
    {
        FirebaseDatabaseClient db = new(new Uri(relay!.Url, "?ns=reconnect"), http);
        await db.SetAsync("cam", new { status = "before" });
        await using DatabaseListener listener = db.StartListener("cam", FastRetry);
        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"status":"before"}"""), Json.Timeout());

        int connectionsWhileDown = await RestartAsync(listener);
        await db.SetAsync("cam", new { status = "after", extra = 1 });

        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"status":"after","extra":1}"""), Json.Timeout(20));
        Assert.True(listener.ConnectionCount > connectionsWhileDown, $"connections: {listener.ConnectionCount}");
        Assert.True(listener.IsConnected);
        Assert.NotNull(listener.LastError);
    }

    [Fact]
    public async Task Snapshot_after_a_restart_shows_the_data_kept_in_the_data_directory()
    {
        FirebaseDatabaseClient db = new(new Uri(relay!.Url, "?ns=persisted"), http);
        await db.SetAsync("cam", new { status = "kept" });
        await using DatabaseListener listener = db.StartListener("cam", FastRetry);
        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"status":"kept"}"""), Json.Timeout());

        int connectionsWhileDown = await RestartAsync(listener);
        System.Text.Json.JsonElement afterRestart = await listener.WaitUntilAsync(
            _ => listener.ConnectionCount > connectionsWhileDown, Json.Timeout(20));

        Json.Equal("""{"status":"kept"}""", afterRestart);
        Json.Equal("""{"status":"kept"}""", await db.GetAsync("cam"));
    }

    /// <summary>
    /// Stops the relay, waits until the listener has noticed, and starts the relay again on the same port and
    /// directory. Returns the listener's connection count while the relay was down, so callers can await a
    /// connection to the new relay (a stream opened while the old one was shutting down may also have counted).
    /// </summary>
    private async Task<int> RestartAsync(DatabaseListener listener)
    {
        using var disconnects = new SemaphoreSlim(0);
        void OnDisconnected(Exception _) => disconnects.Release();
        listener.Disconnected += OnDisconnected;
        int port = relay!.Url.Port;

        await relay.DisposeAsync();
        relay = null;
        CancellationToken timeout = Json.Timeout();
        while (listener.IsConnected)
        {
            await disconnects.WaitAsync(timeout);
        }

        listener.Disconnected -= OnDisconnected;
        int connectionsWhileDown = listener.ConnectionCount;
        relay = await RelayServer.StartAsync(new RelayOptions { Port = port, DataDirectory = dataDirectory });
        return connectionsWhileDown;
    }
}
