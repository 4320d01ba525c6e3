using System.Net;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Auth;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;
using RemoteCam.Relay.Persistence;

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
    private readonly Timer _keepAlive;
    private readonly TimeSpan _keepAliveInterval;
    private long _lastKeepAlive;
    private int _disposed;

    private RelayServer(WebApplication app, DatabaseRegistry databases, AuthService auth, AccessControl access, Uri url, RelayOptions options)
    {
        _access = access;
        _app = app;
        _databases = databases;
        _auth = auth;
        Url = url;
        _keepAliveInterval = options.KeepAliveInterval;
        _lastKeepAlive = TimeProvider.System.GetTimestamp();
        var tick = options.KeepAliveInterval < TimeSpan.FromSeconds(1) ? options.KeepAliveInterval : TimeSpan.FromSeconds(1);
        _keepAlive = new Timer(_ => Tick(), null, tick, tick);
    }

    /// <summary>The admin key: <c>Authorization: Bearer KEY</c> is admin from any address (owner works from loopback only).</summary>
    public string AdminKey => _auth.AdminKey;

    /// <summary>Where the relay listens, e.g. <c>http://127.0.0.1:9000/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a relay; recovery of the data directory happens before it accepts requests.</summary>
    public static async Task<RelayServer> StartAsync(RelayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        try
        {
            auth = new AuthService(dataDirectory, options.ProjectId, options.AcceptUnsignedTokens, options.SignUpsPerHourPerAddress);
            databases.OpenExisting();
            var app = Build(options, databases, auth, access);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = new Uri(address.EndsWith('/') ? address : address + "/");
            options.Log?.WriteLine($"Relay listening on {url}");
            return new RelayServer(app, databases, auth, access, url, options);
        }
        catch
        {
            access.Dispose();
            auth?.Dispose();
            databases.Dispose();
            throw;
        }
    }

    private static WebApplication Build(RelayOptions options, DatabaseRegistry databases, AuthService auth, AccessControl access)
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
            switch (options.Host)
            {
                case "localhost":
                    kestrel.Listen(IPAddress.Loopback, port);
                    break;
                case "0.0.0.0" or "*":
                    kestrel.Listen(IPAddress.Any, port);
                    break;
                default:
                    kestrel.Listen(IPAddress.Parse(options.Host), port);
                    break;
            }
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var authentication = new Authentication(auth, TimeProvider.System);
        var endpoint = new DatabaseEndpoint(databases, RelaySettings.From(options), authentication, access);
        var authEndpoints = new AuthEndpoints(auth, TimeProvider.System);
        var rules = new RulesEndpoint(access, authentication, options.DefaultNamespace);
        app.Run(context => Dispatch(context, endpoint, authEndpoints, rules));
        return app;
    }

    /// <summary>The one routing table: CORS preflight, database REST, everything else 404.</summary>
    private static Task Dispatch(HttpContext context, DatabaseEndpoint database, AuthEndpoints auth, RulesEndpoint rules)
    {
        if (Cors.Apply(context))
        {
            return Task.CompletedTask;
        }

        var path = context.Request.Path.Value ?? "/";
        if (AuthEndpoints.Handles(path))
        {
            return auth.HandleAsync(context);
        }

        if (path == RulesEndpoint.Path)
        {
            return rules.HandleAsync(context);
        }

        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            return database.HandleAsync(context, path[..^".json".Length]);
        }

        return DatabaseEndpoint.WriteErrorAsync(context, StatusCodes.Status404NotFound, Errors.NotFound);
    }

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
        // End streams first so that stopping the server does not wait for them.
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
        _auth.Dispose();
        _access.Dispose();
    }
}
