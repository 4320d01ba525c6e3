namespace RemoteCam.Relay.Data;

/// <summary>What a query orders children by: the REST <c>orderBy</c> parameter.</summary>
internal enum QueryOrder
{
    /// <summary><c>orderBy="$key"</c>: the SDK's KeyIndex (key order, <see cref="KeyOrder"/>).</summary>
    Key,

    /// <summary><c>orderBy="$value"</c>: the SDK's ValueIndex.</summary>
    Value,

    /// <summary><c>orderBy="$priority"</c>: the SDK's PriorityIndex.</summary>
    Priority,

    /// <summary><c>orderBy="a/b"</c>: the SDK's PathIndex on the value at a child path.</summary>
    Child,
}

/// <summary>
/// A filter endpoint. <see cref="Value"/> is null, a <see cref="bool"/>, a <see cref="double"/> or a
/// <see cref="string"/>; <see cref="Key"/> is the key name of the compound form
/// <c>startAt=value,"key"</c> (null when absent). As in the SDK's QueryParams, the key may be the
/// sentinels <see cref="Ordering.MinName"/> / <see cref="Ordering.MaxName"/>, which the JS SDK's
/// REST client sends for <c>startAfter</c> / <c>endBefore</c> without a key.
/// </summary>
internal sealed record QueryBound(object? Value, string? Key = null);

/// <summary>A parsed REST query (see <see cref="QueryParser"/>); evaluated by <see cref="QueryEngine"/>.</summary>
internal sealed record QuerySpec
{
    public required QueryOrder OrderBy { get; init; }

    /// <summary>The child path for <see cref="QueryOrder.Child"/>; null otherwise.</summary>
    public DataPath? ChildPath { get; init; }

    public QueryBound? StartAt { get; init; }

    public QueryBound? StartAfter { get; init; }

    public QueryBound? EndAt { get; init; }

    public QueryBound? EndBefore { get; init; }

    public QueryBound? EqualTo { get; init; }

    public int? LimitToFirst { get; init; }

    public int? LimitToLast { get; init; }

    /// <summary>True when any range or limit is set; a bare <c>orderBy</c> leaves the value unchanged.</summary>
    public bool HasFilter =>
        StartAt is not null || StartAfter is not null || EndAt is not null || EndBefore is not null
        || EqualTo is not null || LimitToFirst is not null || LimitToLast is not null;
}
