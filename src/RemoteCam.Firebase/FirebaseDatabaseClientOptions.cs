using System.Text.Json;

namespace RemoteCam.Firebase;

/// <summary>Settings of a <see cref="FirebaseDatabaseClient"/>.</summary>
public sealed record FirebaseDatabaseClientOptions
{
    /// <summary>How typed values are (de)serialised. Defaults to <see cref="JsonSerializerOptions.Web"/> (camelCase).</summary>
    public JsonSerializerOptions SerializerOptions { get; init; } = JsonSerializerOptions.Web;

    /// <summary>Send <c>print=silent</c> on PUT and PATCH so the server answers 204 without echoing the data.</summary>
    public bool SilentWrites { get; init; }

    /// <summary>How many 307/308/301/302 redirects to follow per request (auth is re-applied on each).</summary>
    public int MaxRedirects { get; init; } = 5;
}

/// <summary>A value read together with its ETag.</summary>
/// <param name="Value">The value at the location (JSON null when empty).</param>
/// <param name="ETag">The opaque ETag to pass to a conditional write.</param>
public sealed record ETaggedValue(JsonElement Value, string ETag);

/// <summary>The outcome of a conditional (<c>if-match</c>) write.</summary>
/// <param name="Succeeded">True if the write was applied; false on 412 Precondition Failed.</param>
/// <param name="Value">On success the value written; on failure the current value at the location.</param>
/// <param name="ETag">On success the ETag of the new value; on failure the current ETag, for a retry.</param>
public sealed record ConditionalWriteResult(bool Succeeded, JsonElement Value, string ETag);
