using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// A listener of one location, as the write engine sees it: an SSE stream, or one listen of a
/// WebSocket connection. The engine calls it with the publish lock held, so every call must
/// return at once: a listener queues what it must send, and one that cannot keep up ends itself.
/// </summary>
internal interface IListener
{
    DataPath Path { get; }

    /// <summary>Whose rights the listener reads with (checked again when rules or data change).</summary>
    Identity Who { get; }

    /// <summary>The query the listener runs, for rules that test <c>query.*</c>; null for a plain listen.</summary>
    QuerySpec? Query { get; }

    /// <summary>The listener's first state: the database root when it was registered, before any event.</summary>
    void Start(Node? root);

    /// <summary>A write changed the listened location (at, above or below it).</summary>
    void Deliver(ChangeEvent change);

    /// <summary>The keep-alive interval passed with nothing else to do (SSE sends an event; others may ignore it).</summary>
    void KeepAlive();

    /// <summary>The engine stops serving the listener; it has already been removed.</summary>
    void End(ListenerEnd reason);
}

internal enum ListenerEnd
{
    /// <summary>The rules (or the data they read) no longer allow the read.</summary>
    PermissionDenied,

    /// <summary>The listener's ID token expired.</summary>
    AuthExpired,

    /// <summary>The relay is stopping.</summary>
    Shutdown,
}
