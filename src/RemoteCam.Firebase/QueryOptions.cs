using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteCam.Firebase;

/// <summary>
/// Query parameters for a read. Values are JSON-encoded on the wire as the REST API requires
/// (<c>orderBy="$key"</c>, <c>startAt="a"</c>, <c>endAt=3</c>); assign plain strings, numbers or booleans.
/// </summary>
public sealed record QueryOptions
{
    /// <summary>Order by key (<c>orderBy="$key"</c>).</summary>
    public const string Key = "$key";

    /// <summary>Order by value (<c>orderBy="$value"</c>).</summary>
    public const string Value = "$value";

    /// <summary>Order by priority (<c>orderBy="$priority"</c>).</summary>
    public const string Priority = "$priority";

    /// <summary><see cref="Key"/>, <see cref="Value"/>, <see cref="Priority"/> or a child path such as <c>dimensions/height</c>.</summary>
    public string? OrderBy { get; init; }

    /// <summary>Inclusive lower bound.</summary>
    public JsonNode? StartAt { get; init; }

    /// <summary>Exclusive lower bound.</summary>
    public JsonNode? StartAfter { get; init; }

    /// <summary>Inclusive upper bound.</summary>
    public JsonNode? EndAt { get; init; }

    /// <summary>Exclusive upper bound.</summary>
    public JsonNode? EndBefore { get; init; }

    /// <summary>Exact match.</summary>
    public JsonNode? EqualTo { get; init; }

    /// <summary>Keep only the first n children in the order.</summary>
    public int? LimitToFirst { get; init; }

    /// <summary>Keep only the last n children in the order.</summary>
    public int? LimitToLast { get; init; }

    /// <summary>Return <c>true</c> for each child instead of its value. Cannot be combined with other parameters.</summary>
    public bool Shallow { get; init; }

    /// <summary>Include priorities (<c>.priority</c>/<c>.value</c>) in the result (<c>format=export</c>).</summary>
    public bool FormatExport { get; init; }

    // Keeps non-ASCII readable; the value is percent-encoded afterwards anyway.
    private static readonly JsonSerializerOptions WireJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal IEnumerable<KeyValuePair<string, string>> ToParameters()
    {
        if (OrderBy is not null)
        {
            yield return new("orderBy", JsonValue.Create(OrderBy).ToJsonString(WireJson));
        }

        foreach ((string name, JsonNode? value) in new[]
        {
            ("startAt", StartAt), ("startAfter", StartAfter), ("endAt", EndAt), ("endBefore", EndBefore), ("equalTo", EqualTo),
        })
        {
            if (value is not null)
            {
                yield return new(name, value.ToJsonString(WireJson));
            }
        }

        if (LimitToFirst is int first)
        {
            yield return new("limitToFirst", first.ToString(CultureInfo.InvariantCulture));
        }

        if (LimitToLast is int last)
        {
            yield return new("limitToLast", last.ToString(CultureInfo.InvariantCulture));
        }

        if (Shallow)
        {
            yield return new("shallow", "true");
        }

        if (FormatExport)
        {
            yield return new("format", "export");
        }
    }
}
