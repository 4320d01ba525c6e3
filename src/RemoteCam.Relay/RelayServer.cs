using System.Net;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Auth;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;
using RemoteCam.Relay.Persistence;
using RemoteCam.Relay.Storage;
using RemoteCam.Relay.Tls;
using RemoteCam.Relay.Transports.WebSocket;
using RemoteCam.Relay.Usage;

namespace RemoteCam.Relay;

/// <summary>
/// The embedded relay: a server speaking the Firebase Realtime Database REST and streaming
/// protocol. The CLI, the tests and the benchmarks all host this same type in process.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DatabaseRegistry _databases;
    private readonly AuthService _auth;
    private readonly AccessControl _access;
    private readonly WsEndpoint _realtime;
    private readonly StorageService _storage;
    private readonly Timer _keepAlive;
    private readonly TimeSpan _keepAliveInterval;
    private long _lastKeepAlive;
    private int _disposed;

    private RelayServer(WebApplication app, DatabaseRegistry databases, AuthService auth, AccessControl access, WsEndpoint realtime, StorageService storage, IReadOnlyList<Uri> urls, RelayOptions options)
    {
        _storage = storage;
        _access = access;
        _realtime = realtime;
        _app = app;
        _databases = databases;
        _auth = auth;
        Urls = urls;
        Url = urls[0];
        LocalUrl = options.LoopbackHttpPort is null ? OnLoopback(Url) : urls[1];
        PublicUrls = IsWildcard(options.Host)
            ? [.. MachineAddresses.Lan()
                .Where(a => options.Host != "0.0.0.0" || a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                .Select(a => new UriBuilder(Url.Scheme, MachineAddresses.UrlHost(a), Url.Port).Uri)]
            : [Url];
        _keepAliveInterval = options.KeepAliveInterval;
        _lastKeepAlive = TimeProvider.System.GetTimestamp();
        var tick = options.KeepAliveInterval < TimeSpan.FromSeconds(1) ? options.KeepAliveInterval : TimeSpan.FromSeconds(1);
        _keepAlive = new Timer(_ => Tick(), null, tick, tick);
    }

    /// <summary>The admin key: <c>Authorization: Bearer KEY</c> is admin from any address (owner works from loopback only).</summary>
    public string AdminKey => _auth.AdminKey;

    /// <summary>
    /// The file in which a relay started with <paramref name="dataDirectory"/> keeps its admin key
    /// (<c>DATA/.auth/admin.key</c>: the key as hex text, owner-only), made on its first start;
    /// tools on the same machine read it from there.
    /// </summary>
    public static string AdminKeyPath(string dataDirectory) => AuthService.AdminKeyPath(Path.GetFullPath(dataDirectory));

    /// <summary>Where the relay listens (<see cref="RelayOptions.Host"/>:<see cref="RelayOptions.Port"/>), e.g. <c>http://127.0.0.1:9000/</c> or <c>https://[::]:9443/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Every address the relay listens on: <see cref="Url"/>, then the loopback HTTP one when <see cref="RelayOptions.LoopbackHttpPort"/> is set.</summary>
    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>
    /// The base URL for tools on this machine: the loopback HTTP endpoint when there is one, else
    /// <see cref="Url"/> with a wildcard address replaced by 127.0.0.1.
    /// </summary>
    public Uri LocalUrl { get; }

    /// <summary>
    /// The base URLs other devices open (pages and invitations), best first: when listening on
    /// every interface, one per network address of this machine (interfaces with a default gateway
    /// first, IPv4 before IPv6; IPv4 only for <c>0.0.0.0</c>), taken when the relay started;
    /// otherwise just <see cref="Url"/>.
    /// Empty when listening on every interface of a machine without a network address.
    /// </summary>
    public IReadOnlyList<Uri> PublicUrls { get; }

    /// <summary>
    /// The base URL invitations should use: the first of <see cref="PublicUrls"/>, or
    /// <see cref="LocalUrl"/> when there is none. E.g. <c>https://192.168.1.20:9443/</c> under
    /// <c>remotecam serve --lan</c>, <c>http://127.0.0.1:9000/</c> by default.
    /// </summary>
    public Uri PublicUrl => PublicUrls.Count > 0 ? PublicUrls[0] : LocalUrl;

    /// <summary>Starts a relay; recovery of the data directory happens before it accepts requests.</summary>
    public static async Task<RelayServer> StartAsync(RelayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ObjectStore.IsValidBucketName(options.StorageBucket))
        {
            throw new ArgumentException(StorageErrors.BadBucketName(options.StorageBucket), nameof(options));
        }

        if (!DatabaseRegistry.IsValidName(options.DefaultNamespace))
        {
            throw new ArgumentException(Errors.BadNamespace(options.DefaultNamespace), nameof(options));
        }

        var dataDirectory = options.DataDirectory is null ? null : Path.GetFullPath(options.DataDirectory);
        var access = new AccessControl(options.RulesFile, dataDirectory, options.Log);
        var databases = new DatabaseRegistry(
            dataDirectory,
            options.MaxDatabases,
            access.PolicyFor,
            TimeProvider.System,
            dataDirectory is null
                ? null
                : name => new JournalLog(Path.Combine(dataDirectory, name), new JournalOptions { SnapshotAfterBytes = options.SnapshotAfterBytes }),
            options.Log);
        AuthService? auth = null;
        WsEndpoint? realtime = null;
        StorageService? storage = null;
        var usage = new UsageMeter(TimeProvider.System);
        try
        {
            auth = new AuthService(dataDirectory, options.ProjectId, options.AcceptUnsignedTokens, options.SignUpsPerHourPerAddress);
            databases.OpenExisting();
            realtime = new WsEndpoint(databases, access, new Authentication(auth, TimeProvider.System), options, dataDirectory, usage);
            // Sessions of a relay that stopped or crashed are gone: their onDisconnect runs before anyone connects.
            await realtime.RunLeftoverQueuesAsync();
            storage = new StorageService(dataDirectory, StorageSettingsOf(options), StorageRulesFile.Load(options.StorageRulesFile), TimeProvider.System, options.Log);
            storage.WatchRules(options.StorageRulesFile);
            var app = Build(options, databases, auth, access, realtime, storage, usage);
            await app.StartAsync(cancellationToken);
            // Kestrel lists the addresses in the order they were added in Build.
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))
                .ToList();
            foreach (var url in urls)
            {
                options.Log?.WriteLine($"Relay listening on {url}");
            }

            return new RelayServer(app, databases, auth, access, realtime, storage, urls, options);
        }
        catch
        {
            storage?.Dispose();
            realtime?.Dispose();
            access.Dispose();
            auth?.Dispose();
            databases.Dispose();
            throw;
        }
    }

    private static StorageSettings StorageSettingsOf(RelayOptions options) => new()
    {
        DefaultBucket = options.StorageBucket,
        MaxObjectBytes = options.StorageMaxObjectBytes,
        MaxUploadsInFlight = options.StorageMaxUploadsInFlight,
        MaxOpenSessions = options.StorageMaxOpenSessions,
    };

    private static WebApplication Build(RelayOptions options, DatabaseRegistry databases, AuthService auth, AccessControl access, WsEndpoint realtime, StorageService storage, UsageMeter usage)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = WriteSizeLimits.Unlimited;
            // A valid path (31 keys of up to 768 bytes, percent-encoded) is far longer than Kestrel's
            // 8 KiB default; past the limit Kestrel answers 414 without the JSON error body.
            kestrel.Limits.MaxRequestLineSize = 128 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 160 * 1024;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            var port = options.Port;
            // Outermost, so that the wire counts include TLS.
            var counting = CountingConnection.Middleware(usage);
            Action<ListenOptions> main = listen =>
            {
                listen.Use(counting);
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            };
            switch (options.Host)
            {
                case "localhost":
                    kestrel.Listen(IPAddress.Loopback, port, main);
                    break;
                case "0.0.0.0":
                    kestrel.Listen(IPAddress.Any, port, main);
                    break;
                case "*":
                    kestrel.ListenAnyIP(port, main);
                    break;
                default:
                    kestrel.Listen(IPAddress.Parse(options.Host), port, main);
                    break;
            }

            if (options.LoopbackHttpPort is { } loopbackPort)
            {
                kestrel.Listen(IPAddress.Loopback, loopbackPort, listen => listen.Use(counting));
            }
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var authentication = new Authentication(auth, TimeProvider.System);
        var endpoint = new DatabaseEndpoint(databases, RelaySettings.From(options), authentication, access, usage);
        var endpoints = new Endpoints(
            endpoint,
            new AuthEndpoints(auth, TimeProvider.System),
            new RulesEndpoint(access, authentication, options.DefaultNamespace),
            new FirebaseInit(options.ProjectId, options.DefaultNamespace, options.StorageBucket),
            new AuthorityCertificate(options.CertificateAuthority),
            new StaticPages(options.WebRoot),
            realtime,
            new GcsEndpoint(storage, authentication),
            new FirebaseStorageEndpoint(storage, authentication),
            new StatsEndpoint(usage, authentication));
        app.UseWebSockets();
        app.Run(context => Dispatch(context, endpoints));
        return app;
    }

    private sealed record Endpoints(
        DatabaseEndpoint Database, AuthEndpoints Auth, RulesEndpoint Rules, FirebaseInit Init, AuthorityCertificate Authority, StaticPages Pages, WsEndpoint Realtime,
        GcsEndpoint CloudStorage, FirebaseStorageEndpoint FirebaseStorage, StatsEndpoint Stats);

    /// <summary>
    /// The one routing table. Order matters: the fixed paths and the storage APIs' prefixes come
    /// before the generic <c>*.json</c> database route (<c>/__/firebase/init.json</c>, the rules
    /// and object names like <c>a.json</c> end in <c>.json</c> too).
    /// </summary>
    private static Task Dispatch(HttpContext context, Endpoints to)
    {
        if (Cors.Apply(context))
        {
            return Task.CompletedTask; // OPTIONS: a CORS preflight, answered.
        }

        var path = context.Request.Path.Value ?? "/";
        return path switch
        {
            WsEndpoint.Path => to.Realtime.HandleAsync(context),
            AuthEndpoints.SignUpPath or AuthEndpoints.LookupPath or AuthEndpoints.DeletePath or AuthEndpoints.TokenPath => to.Auth.HandleAsync(context),
            RulesEndpoint.Path => to.Rules.HandleAsync(context),
            StatsEndpoint.Path => to.Stats.HandleAsync(context),
            FirebaseInit.Path => to.Init.HandleAsync(context),
            AuthorityCertificate.DerPath or AuthorityCertificate.PemPath => to.Authority.HandleAsync(context),
            _ when path.StartsWith(FirebaseStorageEndpoint.Prefix, StringComparison.Ordinal) => to.FirebaseStorage.HandleAsync(context),
            _ when path.StartsWith(GcsEndpoint.JsonPrefix, StringComparison.Ordinal)
                || path.StartsWith(GcsEndpoint.UploadPrefix, StringComparison.Ordinal)
                || path.StartsWith(GcsEndpoint.DownloadPrefix, StringComparison.Ordinal) => to.CloudStorage.HandleAsync(context),
            _ when path.EndsWith(".json", StringComparison.Ordinal) => to.Database.HandleAsync(context, path[..^".json".Length]),
            _ => to.Pages.HandleAsync(context),
        };
    }

    /// <summary>Whether <paramref name="name"/> is a Cloud Storage bucket name the relay accepts (for <see cref="RelayOptions.StorageBucket"/>).</summary>
    public static bool IsValidBucketName(string name) => ObjectStore.IsValidBucketName(name);

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "*" or "::";

    private static Uri OnLoopback(Uri url) =>
        IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            ? new UriBuilder(url) { Host = "127.0.0.1" }.Uri
            : url;

    /// <summary>Runs every second: expired tokens end their streams; keep-alives go out every interval.</summary>
    private void Tick()
    {
        var keepAlive = TimeProvider.System.GetElapsedTime(Volatile.Read(ref _lastKeepAlive)) >= _keepAliveInterval;
        if (keepAlive)
        {
            Volatile.Write(ref _lastKeepAlive, TimeProvider.System.GetTimestamp());
        }

        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var rulesVersion = _access.Version;
        foreach (var database in _databases.Open)
        {
            database.Tick(now, keepAlive);
            database.RecheckStreams(rulesVersion);
        }
    }

    /// <summary>Stops accepting requests, ends open streams, and closes the databases.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _keepAlive.DisposeAsync();
        // End WebSocket sessions (running their onDisconnect while the databases are open), then
        // streams, so that stopping the server does not wait for them.
        await _realtime.CloseAllAsync(TimeSpan.FromSeconds(5));
        foreach (var database in _databases.Open)
        {
            database.CloseStreams();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _databases.Dispose();
        _realtime.Dispose();
        _storage.Dispose();
        _auth.Dispose();
        _access.Dispose();
    }
}
