using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// Applies one write to a root: checks its precondition, resolves server values, asks the
/// access policy, and returns the outcome with the new root and the resolved change (null when
/// nothing changed). Pure but for push ids, so the writer loop calls it in order.
/// </summary>
internal sealed class WriteApplier(Func<IAccessPolicy> policy)
{
    private readonly PushIds _pushIds = new();

    private static WriteOutcome Denied => new(WriteStatus.PermissionDenied, Error: "Permission denied");

    public (WriteOutcome Outcome, Node? Root, Change? Change) Apply(WriteCommand command, Node? root, long now) => command switch
    {
        SetCommand set => ApplySet(set, root, now),
        PushCommand push => ApplyPush(push, root, now),
        UpdateCommand update => ApplyUpdate(update, root, now),
        SetPriorityCommand priority => ApplyPriority(priority, root, now),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private (WriteOutcome, Node?, Change?) ApplySet(SetCommand set, Node? root, long now)
    {
        var current = Tree.Get(root, set.Path);
        if (set.IfMatch is { } ifMatch && !ETags.Matches(ifMatch, current))
        {
            return (new WriteOutcome(WriteStatus.PreconditionFailed, current, ETag: ETags.Of(current)), root, null);
        }

        if (set.IfHash is { } hash && !string.Equals(hash, FirebaseHash.Of(current), StringComparison.Ordinal))
        {
            return (new WriteOutcome(WriteStatus.PreconditionFailed, current), root, null);
        }

        var value = ServerValues.Resolve(set.Value, current, now);
        var newRoot = Tree.Set(root, set.Path, value);
        if (!Allowed(set.Who, set.Path, root, newRoot, now))
        {
            return (Denied, root, null);
        }

        var etag = set.IfMatch is null ? null : ETags.Of(value);
        return (new WriteOutcome(WriteStatus.Ok, value, ETag: etag), newRoot, new Change(set.Path, value, null));
    }

    private (WriteOutcome, Node?, Change?) ApplyPush(PushCommand push, Node? root, long now)
    {
        var name = _pushIds.Next(now);
        var path = push.Path.Child(name);
        var value = ServerValues.Resolve(push.Value, null, now);
        var newRoot = Tree.Set(root, path, value);
        if (!Allowed(push.Who, path, root, newRoot, now))
        {
            return (Denied, root, null);
        }

        return (new WriteOutcome(WriteStatus.Ok, value, Name: name), newRoot, new Change(path, value, null));
    }

    private (WriteOutcome, Node?, Change?) ApplyUpdate(UpdateCommand update, Node? root, long now)
    {
        var resolved = new List<KeyValuePair<DataPath, Node?>>(update.Children.Count);
        foreach (var (relative, value) in update.Children)
        {
            resolved.Add(new(relative, ServerValues.Resolve(value, Tree.Get(root, update.Path.Concat(relative)), now)));
        }

        var newRoot = Tree.Update(root, update.Path, resolved);
        foreach (var (relative, _) in resolved)
        {
            if (!Allowed(update.Who, update.Path.Concat(relative), root, newRoot, now))
            {
                return (Denied, root, null);
            }
        }

        var echo = JsonTree.Object(resolved.Select(c => new KeyValuePair<string, Node?>(string.Join('/', c.Key.Keys), c.Value)));
        return (new WriteOutcome(WriteStatus.Ok, echo), newRoot, new Change(update.Path, null, resolved));
    }

    private (WriteOutcome, Node?, Change?) ApplyPriority(SetPriorityCommand priority, Node? root, long now)
    {
        var current = Tree.Get(root, priority.Path);
        if (current is null)
        {
            return (new WriteOutcome(WriteStatus.Ok, null), root, null);
        }

        var value = current.WithPriority(priority.Priority);
        var newRoot = Tree.Set(root, priority.Path, value);
        if (!Allowed(priority.Who, priority.Path, root, newRoot, now))
        {
            return (Denied, root, null);
        }

        return (new WriteOutcome(WriteStatus.Ok, value), newRoot, new Change(priority.Path, value, null));
    }

    private bool Allowed(Identity who, DataPath path, Node? root, Node? newRoot, long now) =>
        who.IsAdmin || policy().CanWrite(who, path, root, newRoot, now);
}
