using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Access;

/// <summary>
/// The one access decision point: every read, stream and write of a non-admin identity passes
/// through it. The security rules engine implements it; admins never reach it.
/// </summary>
internal interface IAccessPolicy
{
    /// <summary>May <paramref name="who"/> read (or stream) <paramref name="path"/> in <paramref name="root"/>?</summary>
    bool CanRead(Identity who, DataPath path, Node? root, long nowMs);

    /// <summary>
    /// May <paramref name="who"/> change <paramref name="path"/> from its value in
    /// <paramref name="root"/> to its value in <paramref name="newRoot"/>? Multi-path updates ask
    /// once per written location, with the same <paramref name="newRoot"/> holding all of them.
    /// </summary>
    bool CanWrite(Identity who, DataPath path, Node? root, Node? newRoot, long nowMs);
}

/// <summary>No rules configured: everything is allowed, as the Firebase emulator does without a rules file.</summary>
internal sealed class OpenAccess : IAccessPolicy
{
    public static readonly OpenAccess Instance = new();

    public bool CanRead(Identity who, DataPath path, Node? root, long nowMs) => true;

    public bool CanWrite(Identity who, DataPath path, Node? root, Node? newRoot, long nowMs) => true;
}
