using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// One listen (<c>q</c>) of a WebSocket session, registered with the write engine. A plain listen
/// sends each change as it comes (<c>d</c> or <c>m</c>, shared by every listener of the
/// location). A tagged query listen recomputes its window on every change under its location and
/// sends the window as a tagged overwrite when it changed (rtdb-websocket.md §3); the SDK's
/// view filters re-window it.
/// </summary>
internal sealed class WsListen : IListener
{
    private readonly WsSession _session;
    private Node? _lastWindow;

    public WsListen(WsSession session, DataPath path, QuerySpec? query, long? tag, string? queryJson)
    {
        _session = session;
        Path = path;
        Query = query;
        Tag = tag;
        QueryJson = queryJson;
    }

    public DataPath Path { get; }

    /// <summary>The session's identity now: re-authenticating changes the rights of its listens.</summary>
    public Identity Who => _session.Who;

    public QuerySpec? Query { get; }

    /// <summary>The client's tag for a query listen; null for a plain one.</summary>
    public long? Tag { get; }

    /// <summary>The query object as the client sent it (raw JSON), echoed in <c>c</c>; null for the default query.</summary>
    public string? QueryJson { get; }

    /// <summary>One listen per path and query: the SDK tags each query (a counter), plain listens are <c>default</c>.</summary>
    public string Key => KeyOf(Path, Tag);

    public static string KeyOf(DataPath path, long? tag) => path + "|" + (tag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default");

    public void Start(Node? root)
    {
        var value = Tree.Get(root, Path);
        if (Tag is null)
        {
            _session.Outbox.TryEnqueue(WsFrames.Data(Path, value, null));
            return;
        }

        _lastWindow = QueryEngine.Apply(value, Query!);
        _session.Outbox.TryEnqueue(WsFrames.Data(Path, _lastWindow, Tag));
    }

    public void Deliver(ChangeEvent change)
    {
        if (Tag is null)
        {
            _session.DeliverUntagged(change);
            return;
        }

        // Each write gets its own window (as Firebase sends one update per write); the sender computes it.
        _session.Outbox.TryEnqueueRecompute(this, change.After);
    }

    public void KeepAlive()
    {
        // The relay pings at the WebSocket level; the SDK sends its own keep-alive.
    }

    public void End(ListenerEnd reason) => _session.OnListenEnded(this, reason);

    /// <summary>On the sender: the tagged overwrite of the window in <paramref name="root"/> if it changed since the last one sent, else null.</summary>
    public byte[]? WindowChange(Node? root)
    {
        var window = QueryEngine.Apply(Tree.Get(root, Path), Query!);
        if (SameWindow(window, _lastWindow))
        {
            return null;
        }

        _lastWindow = window;
        return WsFrames.Data(Path, window, Tag);
    }

    /// <summary>Same children (by reference: the tree is immutable) and priority.</summary>
    private static bool SameWindow(Node? a, Node? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is not ObjectNode x || b is not ObjectNode y || x.Children.Count != y.Children.Count || x.Priority != y.Priority)
        {
            return false;
        }

        foreach (var (key, child) in x.Children)
        {
            if (!y.Children.TryGetValue(key, out var other) || !ReferenceEquals(child, other))
            {
                return false;
            }
        }

        return true;
    }
}
