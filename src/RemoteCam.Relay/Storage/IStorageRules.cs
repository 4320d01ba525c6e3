using RemoteCam.Relay.Access;

namespace RemoteCam.Relay.Storage;

/// <summary>The Storage rules methods (Firebase "Security Rules for Cloud Storage", allow statements).</summary>
internal enum StorageMethod
{
    Get,
    List,
    Create,
    Update,
    Delete,
}

/// <summary>
/// One request for the rules to decide: the method, the object path (for <c>list</c>, the
/// prefix without its trailing slash), who asks, the stored object (<c>resource</c>, null when
/// there is none) and the proposed one (<c>request.resource</c>, for create and update).
/// </summary>
internal sealed record StorageRequest(
    StorageMethod Method, string Bucket, string Path, Identity Auth, ObjectMetadata? Resource, ObjectMetadata? Proposed, DateTimeOffset Time);

/// <summary>Decides requests of non-admin clients of the Firebase Storage API.</summary>
internal interface IStorageRules
{
    bool Allows(StorageRequest request);
}

/// <summary>No rules loaded: nothing is allowed (the admin is never asked).</summary>
internal sealed class DenyAllStorageRules : IStorageRules
{
    public static readonly DenyAllStorageRules Instance = new();

    public bool Allows(StorageRequest request) => false;
}
