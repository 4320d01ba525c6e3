namespace RemoteCam.Relay.Engine;

/// <summary>Periodic checks of open listeners: expired tokens, keep-alives, and rules or data that no longer allow a read.</summary>
internal sealed partial class ChangeFeed
{
    private Data.Node? _checkedRoot;
    private int _checkedRulesVersion;

    /// <summary>
    /// A listener whose token has expired is ended (<see cref="ListenerEnd.AuthExpired"/>); with
    /// <paramref name="keepAlive"/>, the others are told the keep-alive interval passed.
    /// </summary>
    public void Tick(long nowSeconds, bool keepAlive)
    {
        lock (_gate)
        {
            var expired = new List<IListener>();
            _listeners.ForEach(l =>
            {
                if (l.Who.ExpiresAtSeconds > 0 && l.Who.ExpiresAtSeconds <= nowSeconds)
                {
                    expired.Add(l);
                }
                else if (keepAlive)
                {
                    l.KeepAlive();
                }
            });
            EndAll(expired, ListenerEnd.AuthExpired);
        }
    }

    /// <summary>
    /// Checks open listeners again after rules or data changed (rules may read any data, so any
    /// change counts): a listener that lost read access is ended (<see cref="ListenerEnd.PermissionDenied"/>).
    /// Called about once a second, doing nothing when neither changed since the last check.
    /// </summary>
    public void Recheck(int rulesVersion)
    {
        lock (_gate)
        {
            var root = _root;
            if (ReferenceEquals(root, _checkedRoot) && rulesVersion == _checkedRulesVersion)
            {
                return;
            }

            _checkedRoot = root;
            _checkedRulesVersion = rulesVersion;
            var denied = new List<IListener>();
            _listeners.ForEach(l =>
            {
                if (!canRead(l.Who, l.Path, root, l.Query))
                {
                    denied.Add(l);
                }
            });
            EndAll(denied, ListenerEnd.PermissionDenied);
        }
    }

    /// <summary>Ends every listener (at shutdown); later subscribers get their first state and end at once.</summary>
    public void CloseAll()
    {
        lock (_gate)
        {
            _closing = true;
            var all = new List<IListener>();
            _listeners.ForEach(all.Add);
            EndAll(all, ListenerEnd.Shutdown);
        }
    }
}
