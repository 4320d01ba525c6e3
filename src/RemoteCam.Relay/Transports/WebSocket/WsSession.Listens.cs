using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// The session's listens (<c>q</c>/<c>n</c>), its identity and what changing it does to them,
/// and delivery: one message per write per connection even when several listens hear it.
/// </summary>
internal sealed partial class WsSession
{
    private readonly Lock _listensGate = new();
    private readonly Dictionary<string, WsListen> _listens = new(StringComparer.Ordinal);
    private long _lastSequence = -1;
    private DataPath _lastPath = DataPath.Root;
    private int _authRevoked;

    /// <summary>
    /// <c>q {p, h, q?, t?}</c>: the data first (tagged for a query), then <c>ok</c>. The hash is
    /// ignored: the full data is always sent. A query ordered by an unindexed child or value is
    /// served, with Firebase's <c>no_index</c> warning.
    /// </summary>
    private void Listen(long? r, JsonElement body)
    {
        if (!TryReadPath(r, body, out var path) || !TryQuery(r, body, out var query, out var queryJson))
        {
            return;
        }

        long? tag = body.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var tagValue) ? tagValue : null;
        if (tag is null)
        {
            // Untagged: the SDK filters the whole location itself.
            query = null;
            queryJson = null;
        }
        else if (query is null)
        {
            Refuse(r, WsStatus.InvalidQuery, "A tagged listen needs a query object (q).");
            return;
        }

        var listen = new WsListen(this, path, query, tag, queryJson);
        WsListen? replaced;
        lock (_listensGate)
        {
            if (_listens.TryGetValue(listen.Key, out replaced))
            {
                _listens.Remove(listen.Key);
            }
            else if (_listens.Count >= _context.Limits.MaxListens)
            {
                Refuse(r, WsStatus.TooManyListens, $"A connection may hold at most {_context.Limits.MaxListens} listens.");
                return;
            }
        }

        if (replaced is not null)
        {
            Database.Unsubscribe(replaced);
        }

        lock (_listensGate)
        {
            _listens[listen.Key] = listen;
        }

        if (!Database.Subscribe(listen))
        {
            lock (_listensGate)
            {
                _listens.Remove(listen.Key);
            }

            Refuse(r, WsStatus.PermissionDenied, WsStatus.PermissionDeniedText);
            return;
        }

        var unindexed = query is { OrderBy: QueryOrder.Child or QueryOrder.Value } && _context.Rules() is { } rules && !rules.HasIndexFor(path, query);
        Reply(r, n => WsFrames.Response(n, WsStatus.Ok, w =>
        {
            w.WriteStartObject();
            if (unindexed)
            {
                w.WriteStartArray("w");
                w.WriteStringValue("no_index");
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }));
    }

    /// <summary><c>n {p, q?, t?}</c>: stop a listen (unknown listens are fine).</summary>
    private void Unlisten(long? r, JsonElement body)
    {
        if (!TryReadPath(r, body, out var path))
        {
            return;
        }

        long? tag = body.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var tagValue) ? tagValue : null;
        var key = WsListen.KeyOf(path, tag);
        WsListen? listen;
        lock (_listensGate)
        {
            _listens.Remove(key, out listen);
        }

        if (listen is not null)
        {
            Database.Unsubscribe(listen);
        }

        Reply(r, WsFrames.Ok);
    }

    /// <summary>
    /// From the write engine (publish lock held): sends an untagged change unless this connection
    /// already got the same write at this path or above it through another listen.
    /// </summary>
    public void DeliverUntagged(ChangeEvent change)
    {
        if (change.Sequence == _lastSequence && change.Path.IsAtOrBelow(_lastPath))
        {
            return;
        }

        _lastSequence = change.Sequence;
        _lastPath = change.Path;
        Outbox.TryEnqueue(change.Encoded(WsFrames.Change));
    }

    /// <summary>The engine ended a listen: revoked by rules (<c>c</c>), token expired (<c>ac</c>), or the relay stops.</summary>
    public void OnListenEnded(WsListen listen, ListenerEnd reason)
    {
        switch (reason)
        {
            case ListenerEnd.PermissionDenied:
                if (Forget(listen))
                {
                    Outbox.TryEnqueue(WsFrames.ListenRevoked(listen.Path, listen.QueryJson));
                }

                break;
            case ListenerEnd.AuthExpired:
                Forget(listen);
                RevokeAuth();
                break;
            default:
                Terminate();
                break;
        }
    }

    /// <summary>After <c>auth</c>/<c>unauth</c>: listens the new identity may not read are revoked at once.</summary>
    private void ChangeIdentity(Identity who)
    {
        Volatile.Write(ref _who, who);
        Interlocked.Exchange(ref _authRevoked, 0);
        var root = Database.Root;
        foreach (var listen in Snapshot())
        {
            if (!Database.CanRead(who, listen.Path, root, listen.Query) && Forget(listen))
            {
                Database.Unsubscribe(listen);
                Outbox.TryEnqueue(WsFrames.ListenRevoked(listen.Path, listen.QueryJson));
            }
        }
    }

    /// <summary>A request after the token expired: the client is told first (<c>ac</c>), as the engine tells listens.</summary>
    private void CheckTokenExpiry()
    {
        var who = Who;
        if (who.ExpiresAtSeconds > 0 && who.ExpiresAtSeconds <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            RevokeAuth();
        }
    }

    /// <summary>
    /// The token expired: <c>ac</c> once, the session becomes unauthenticated and its listens stop
    /// silently (the SDK reconnects with a fresh token and listens again; revoking them with
    /// <c>c</c> would cancel the app's listeners for good).
    /// </summary>
    private void RevokeAuth()
    {
        if (Interlocked.Exchange(ref _authRevoked, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _who, Identity.Anonymous);
        UnlistenAll();
        Outbox.TryEnqueue(WsFrames.AuthRevoked(WsStatus.ExpiredToken, Http.Errors.ExpiredToken));
    }

    private void UnlistenAll()
    {
        List<WsListen> all;
        lock (_listensGate)
        {
            all = [.. _listens.Values];
            _listens.Clear();
        }

        foreach (var listen in all)
        {
            Database.Unsubscribe(listen);
        }
    }

    private List<WsListen> Snapshot()
    {
        lock (_listensGate)
        {
            return [.. _listens.Values];
        }
    }

    /// <summary>Removes the listen from the session if it is still the one registered under its key.</summary>
    private bool Forget(WsListen listen)
    {
        lock (_listensGate)
        {
            return _listens.TryGetValue(listen.Key, out var current) && ReferenceEquals(current, listen) && _listens.Remove(listen.Key);
        }
    }
}
