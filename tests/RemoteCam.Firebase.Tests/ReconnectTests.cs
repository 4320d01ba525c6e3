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

        Exception error = await RestartAsync(listener);
        await db.SetAsync("cam", new { status = "after", extra = 1 });

        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"status":"after","extra":1}"""), Json.Timeout(20));
        Assert.NotNull(error);
        Assert.True(listener.ConnectionCount >= 2, $"connections: {listener.ConnectionCount}");
        Assert.True(listener.IsConnected);
    }

    [Fact]
    public async Task Snapshot_after_a_restart_shows_the_data_kept_in_the_data_directory()
    {
        FirebaseDatabaseClient db = new(new Uri(relay!.Url, "?ns=persisted"), http);
        await db.SetAsync("cam", new { status = "kept" });
        await using DatabaseListener listener = db.StartListener("cam", FastRetry);
        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"status":"kept"}"""), Json.Timeout());

        _ = await RestartAsync(listener);
        System.Text.Json.JsonElement afterRestart = await listener.WaitUntilAsync(_ => listener.ConnectionCount >= 2, Json.Timeout(20));

        Json.Equal("""{"status":"kept"}""", afterRestart);
        Json.Equal("""{"status":"kept"}""", await db.GetAsync("cam"));
    }

    /// <summary>Stops the relay, waits for the listener to notice, and starts it again on the same port and directory.</summary>
    private async Task<Exception> RestartAsync(DatabaseListener listener)
    {
        var disconnected = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Disconnected += e => disconnected.TrySetResult(e);
        int port = relay!.Url.Port;

        await relay.DisposeAsync();
        relay = null;
        Exception error = await disconnected.Task.WaitAsync(Json.Timeout());
        Assert.False(listener.IsConnected);
        relay = await RelayServer.StartAsync(new RelayOptions { Port = port, DataDirectory = dataDirectory });
        return error;
    }
}
