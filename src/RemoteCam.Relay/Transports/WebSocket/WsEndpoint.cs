using System.Collections.Concurrent;
using System.Security.Cryptography;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// <c>/.ws?v=5&amp;ns=NAME[&amp;ls=SESSION]</c>: Firebase's realtime protocol over a WebSocket, as the
/// official SDKs speak it (docs/relay.md, "WebSocket protocol"). The relay pings every client at
/// the WebSocket level and drops one whose pong is late, so a client that vanished without
/// closing has its onDisconnect run within <see cref="RelayOptions.WebSocketPingInterval"/> +
/// <see cref="RelayOptions.WebSocketPingTimeout"/>. A reconnect naming its previous session in
/// <c>ls</c> ends that session (running its onDisconnect) before this one's handshake.
/// </summary>
internal sealed class WsEndpoint(DatabaseRegistry databases, AccessControl access, Authentication authentication, RelayOptions options, string? dataDirectory, Usage.UsageMeter usage) : IDisposable
{
    public const string Path = "/.ws";

    /// <summary>How long a reconnect waits for the session it replaces to run its onDisconnect.</summary>
    private static readonly TimeSpan ReplaceTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, WsSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<OnDisconnectStore>> _stores = new(StringComparer.Ordinal);
    private readonly WsLimits _limits = new(options.WebSocketMaxListens, options.WebSocketMaxMessageBytes, options.MaxQueuedEventsPerStream, options.MaxQueuedBytesPerStream);
    private int _stopping;

    /// <summary>Open sessions (for tests and the log).</summary>
    public int SessionCount => _sessions.Count;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "/.ws is Firebase's realtime protocol: connect with a WebSocket (v=5).");
            return;
        }

        var query = context.Request.Query;
        var name = query["ns"].ToString();
        name = name.Length == 0 ? options.DefaultNamespace : name;
        if (!DatabaseRegistry.IsValidName(name))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadNamespace(name));
            return;
        }

        var host = context.Request.Headers.Host.ToString();
        if (!FirebaseInit.IsValidHost(host))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadHost);
            return;
        }

        if (!databases.TryGet(name, out var database))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.TooManyDatabases(options.MaxDatabases));
            return;
        }

        if (Volatile.Read(ref _stopping) == 1)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.WebSocketPingInterval,
            KeepAliveTimeout = options.WebSocketPingTimeout,
        });

        if (query["ls"].ToString() is { Length: > 0 } previous && _sessions.TryGetValue(previous, out var old))
        {
            old.Terminate();
            await old.Finished.WaitAsync(ReplaceTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var session = new WsSession(NewSessionId(), new WsSessionContext(
            database, StoreFor(name), authentication, () => access.RulesFor(name)?.Rules, _limits, context.Connection.RemoteIpAddress, host, usage));
        _sessions[session.Id] = session;
        try
        {
            await session.RunAsync(socket, context.RequestAborted);
        }
        finally
        {
            _sessions.TryRemove(session.Id, out _);
        }
    }

    /// <summary>
    /// At start-up: every session in the onDisconnect files is gone (the relay stopped or crashed),
    /// so their queues run now, before any client connects.
    /// </summary>
    public async Task RunLeftoverQueuesAsync()
    {
        var folder = StoreFolder;
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (!DatabaseRegistry.IsValidName(name) || !databases.TryGet(name, out var database))
            {
                continue;
            }

            var store = StoreFor(name);
            foreach (var ops in store.Recovered.Values)
            {
                await WsSession.RunAsync(database, ops);
            }

            foreach (var session in store.Recovered.Keys)
            {
                store.Take(session);
            }

            store.ForgetRecovered();
        }
    }

    /// <summary>At shutdown: ends every session and waits (briefly) for their onDisconnect writes.</summary>
    public async Task CloseAllAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _stopping, 1);
        var sessions = _sessions.Values.ToList();
        foreach (var session in sessions)
        {
            session.Terminate();
        }

        await Task.WhenAll(sessions.Select(s => s.Finished)).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values.Where(s => s.IsValueCreated))
        {
            store.Value.Dispose();
        }
    }

    private string? StoreFolder => dataDirectory is null ? null : System.IO.Path.Combine(dataDirectory, ".ondisconnect");

    private OnDisconnectStore StoreFor(string name) =>
        _stores.GetOrAdd(name, n => new Lazy<OnDisconnectStore>(() =>
            new OnDisconnectStore(StoreFolder is { } folder ? System.IO.Path.Combine(folder, n + ".jsonl") : null))).Value;

    /// <summary>32 characters, like Firebase's session ids; a secret, since <c>ls</c> ends the session it names.</summary>
    private static string NewSessionId() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
}
