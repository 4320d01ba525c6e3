using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// The listeners of one database and the published root. The writer loop publishes each batch
/// here; every listener at, above or below a written location gets a <see cref="ChangeEvent"/>,
/// one event object per listened location, so listeners of one path share its encodings.
/// Listeners are registered under the same lock that publishes, so a listener's first state and
/// the events after it never miss or repeat a write. The checks of open listeners (tokens,
/// keep-alives, rules) are in ChangeFeed.Checks.cs.
/// </summary>
internal sealed partial class ChangeFeed(CanReadCheck canRead)
{
    private readonly Lock _gate = new();
    private readonly ListenerTree _listeners = new();
    private Node? _root;
    private bool _closing;
    private long _sequence;

    /// <summary>The last published state.</summary>
    public Node? Root => Volatile.Read(ref _root);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Sets the recovered state before anyone listens.</summary>
    public void Initialize(Node? root) => Volatile.Write(ref _root, root);

    /// <summary>Registers a listener and gives it its first state; false (nothing registered) if it may not read there.</summary>
    public bool Subscribe(IListener listener)
    {
        lock (_gate)
        {
            var root = _root;
            if (!canRead(listener.Who, listener.Path, root, listener.Query))
            {
                return false;
            }

            listener.Start(root);
            if (_closing)
            {
                // Shutting down: answer with the snapshot and end, so stopping never waits on it.
                listener.End(ListenerEnd.Shutdown);
                return true;
            }

            _listeners.Add(listener);
            return true;
        }
    }

    public void Unsubscribe(IListener listener)
    {
        lock (_gate)
        {
            _listeners.Remove(listener);
        }
    }

    /// <summary>Makes a batch visible: readers see <paramref name="root"/>, listeners get its changes in order.</summary>
    public void Publish(Node? root, List<Applied> applied)
    {
        lock (_gate)
        {
            Volatile.Write(ref _root, root);
            if (_listeners.Count == 0)
            {
                return;
            }

            foreach (var change in applied)
            {
                Dispatch(change, ++_sequence);
            }
        }
    }

    /// <summary>
    /// Listeners at or above the written location hear the change itself (a set or a merge at
    /// its path); listeners below it hear their location's new value, if it changed.
    /// </summary>
    private void Dispatch(Applied applied, long sequence)
    {
        var change = applied.Change;
        _listeners.ForEachAtOrAbove(change.Path, (listened, listeners) =>
        {
            var e = new ChangeEvent(sequence, listened, change.Path, change.Value, change.Children, applied.Before, applied.After);
            foreach (var listener in listeners)
            {
                listener.Deliver(e);
            }
        });

        _listeners.ForEachBelow(change.Path, (listened, listeners) =>
        {
            var after = Tree.Get(applied.After, listened);
            if (ReferenceEquals(after, Tree.Get(applied.Before, listened)))
            {
                return;
            }

            var e = new ChangeEvent(sequence, listened, listened, after, null, applied.Before, applied.After);
            foreach (var listener in listeners)
            {
                listener.Deliver(e);
            }
        });
    }

    /// <summary>Removes <paramref name="ended"/> and tells each why (after removal, so a listener may unsubscribe or resubscribe freely).</summary>
    private void EndAll(List<IListener> ended, ListenerEnd reason)
    {
        foreach (var listener in ended)
        {
            _listeners.Remove(listener);
        }

        foreach (var listener in ended)
        {
            listener.End(reason);
        }
    }
}

/// <summary>May <paramref name="who"/> read (or run <paramref name="query"/> at) <paramref name="path"/> in <paramref name="root"/>?</summary>
internal delegate bool CanReadCheck(Identity who, DataPath path, Node? root, QuerySpec? query);

/// <summary>One applied write of a batch: its change and the roots around it.</summary>
internal sealed record Applied(Change Change, Node? Before, Node? After);
