using System.Net;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using RemoteCam.Relay.Access;
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
    private readonly Timer _keepAlive;
    private int _disposed;

    private RelayServer(WebApplication app, DatabaseRegistry databases, Uri url, RelayOptions options)
    {
        _app = app;
        _databases = databases;
        Url = url;
        _keepAlive = new Timer(_ => SendKeepAlives(), null, options.KeepAliveInterval, options.KeepAliveInterval);
    }

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
        var databases = new DatabaseRegistry(
            dataDirectory,
            options.MaxDatabases,
            _ => OpenAccess.Instance,
            TimeProvider.System,
            dataDirectory is null
                ? null
                : name => new JournalLog(Path.Combine(dataDirectory, name), new JournalOptions { SnapshotAfterBytes = options.SnapshotAfterBytes }));
        try
        {
            databases.OpenExisting();
            var app = Build(options, databases);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = new Uri(address.EndsWith('/') ? address : address + "/");
            options.Log?.WriteLine($"Relay listening on {url}");
            return new RelayServer(app, databases, url, options);
        }
        catch
        {
            databases.Dispose();
            throw;
        }
    }

    private static WebApplication Build(RelayOptions options, DatabaseRegistry databases)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = WriteSizeLimits.Unlimited;
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
        var endpoint = new DatabaseEndpoint(databases, RelaySettings.From(options));
        app.Run(context => Dispatch(context, endpoint));
        return app;
    }

    /// <summary>The one routing table: CORS preflight, database REST, everything else 404.</summary>
    private static Task Dispatch(HttpContext context, DatabaseEndpoint database)
    {
        if (Cors.Apply(context))
        {
            return Task.CompletedTask;
        }

        var path = context.Request.Path.Value ?? "/";
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            return database.HandleAsync(context, path[..^".json".Length]);
        }

        return DatabaseEndpoint.WriteErrorAsync(context, StatusCodes.Status404NotFound, Errors.NotFound);
    }

    private void SendKeepAlives()
    {
        foreach (var database in _databases.Open)
        {
            database.SendKeepAlives();
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
    }
}