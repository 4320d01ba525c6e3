using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

using RemoteCam.Relay;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// The relay started in process on 127.0.0.1 as <c>remotecam serve</c> would: the repository's
/// security rules, the built pages, and a temporary data directory with its journal on (so a test
/// can inspect what reached the disk). It can be restarted on the same port and data directory.
/// </summary>
internal sealed class RelayHost : IAsyncDisposable
{
    private readonly RelayOptions _options;
    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(30) };

    private RelayHost(RelayOptions options, RelayServer server)
    {
        Server = server;
        _options = options with { Port = server.Url.Port };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminKey);
    }

    public RelayServer Server { get; private set; }

    /// <summary>The relay's origin, e.g. <c>http://127.0.0.1:41234/</c>; the same after a restart.</summary>
    public Uri Url => Server.Url;

    public string DataDirectory => _options.DataDirectory!;

    /// <param name="host">The address to listen on (default 127.0.0.1): another address of this machine the test made, such as a test network's.</param>
    public static async Task<RelayHost> StartAsync(string host = "127.0.0.1")
    {
        var data = Path.Combine(Path.GetTempPath(), "remotecam-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var options = new RelayOptions
        {
            Host = host,
            Port = 0,
            DataDirectory = data,
            RulesFile = RepositoryRoot.RulesFile,
            WebRoot = Pages.Folder,
            // Small, so that snapshots are written during a call and the tests can search them too.
            SnapshotAfterBytes = 16 * 1024,
        };
        return new RelayHost(options, await RelayServer.StartAsync(options));
    }

    /// <summary>Stops the relay (its streams end) and starts a new one on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Stops the relay: its port refuses connections, as an unreachable server does, until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync() => await Server.DisposeAsync();

    /// <summary>Starts the relay again on the same port and data directory after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                Server = await RelayServer.StartAsync(_options);
                Assert.Equal(_options.Port, Server.Url.Port);
                return;
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } && DateTime.UtcNow < deadline)
            {
                // The old listener's socket is still closing.
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Reads a location with the admin key (bypassing the rules), as JSON.</summary>
    public async Task<JsonElement> AdminReadAsync(string path)
    {
        var text = await _admin.GetStringAsync(new Uri(Url, path.Trim('/') + ".json"));
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Writes a location with the admin key (bypassing the rules), as the database's operator could.</summary>
    public async Task AdminWriteAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _admin.PutAsync(new Uri(Url, path.Trim('/') + ".json"), content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every journal segment and snapshot the relay has written, with its bytes.</summary>
    public IReadOnlyList<(string Path, byte[] Bytes)> StoredFiles() =>
        [.. Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) is var name
                && ((name.StartsWith("journal-", StringComparison.Ordinal) && name.EndsWith(".log", StringComparison.Ordinal))
                    || (name.StartsWith("snapshot-", StringComparison.Ordinal) && name.EndsWith(".snap", StringComparison.Ordinal))))
            .Select(path => (path, ReadShared(path)))];

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }
    }
}
