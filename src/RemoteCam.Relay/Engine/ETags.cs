using System.Security.Cryptography;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>ETags: base64 SHA-1 of the location's export JSON; an empty location has <c>null_etag</c>.</summary>
internal static class ETags
{
    public const string NullETag = "null_etag";

    public static string Of(Node? node) =>
        node is null ? NullETag : Convert.ToBase64String(SHA1.HashData(JsonTree.ToUtf8(node, export: true)));

    /// <summary>Accepts the ETag bare or quoted, as HTTP clients send either.</summary>
    public static bool Matches(string ifMatch, Node? node)
    {
        var tag = ifMatch.Trim();
        if (tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"')
        {
            tag = tag[1..^1];
        }

        return string.Equals(tag, Of(node), StringComparison.Ordinal);
    }
}
