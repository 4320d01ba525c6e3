using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>A write as parsed from a request; server values are still placeholders.</summary>
internal abstract record WriteCommand(Identity Who, DataPath Path);

/// <summary>
/// PUT and DELETE (value null); with <paramref name="IfMatch"/>, only if the current ETag matches;
/// with <paramref name="IfHash"/> (a transaction's put), only if the current value's
/// <see cref="FirebaseHash"/> matches.
/// </summary>
internal sealed record SetCommand(Identity Who, DataPath Path, Node? Value, string? IfMatch = null, string? IfHash = null)
    : WriteCommand(Who, Path);

/// <summary>POST: a child with a new push id under <see cref="WriteCommand.Path"/>.</summary>
internal sealed record PushCommand(Identity Who, DataPath Path, Node? Value) : WriteCommand(Who, Path);

/// <summary>PATCH: each relative path (slash keys allowed) replaced as a whole.</summary>
internal sealed record UpdateCommand(Identity Who, DataPath Path, IReadOnlyList<KeyValuePair<DataPath, Node?>> Children)
    : WriteCommand(Who, Path);

/// <summary>PUT to <c>…/.priority</c>.</summary>
internal sealed record SetPriorityCommand(Identity Who, DataPath Path, Priority Priority) : WriteCommand(Who, Path);

internal enum WriteStatus
{
    Ok,
    PermissionDenied,
    PreconditionFailed,
    Invalid,
    Unavailable,
}

/// <summary>
/// The result of a write. <see cref="Value"/> is the resolved data written (for PATCH, the
/// resolved update object), or the current value when a precondition failed.
/// </summary>
internal sealed record WriteOutcome(WriteStatus Status, Node? Value = null, string? Name = null, string? ETag = null, string? Error = null);
