using System.Text;

namespace RemoteCam.Relay.Data;

/// <summary>A validated location in the tree: zero or more keys. The root has none.</summary>
internal sealed class DataPath : IEquatable<DataPath>
{
    /// <summary>Keys are at most 768 bytes of UTF-8.</summary>
    public const int MaxKeyBytes = 768;

    /// <summary>The tree is fewer than 32 levels deep.</summary>
    public const int MaxDepth = 32;

    public static readonly DataPath Root = new([]);

    private DataPath(string[] keys) => Keys = keys;

    public IReadOnlyList<string> Keys { get; }

    public int Count => Keys.Count;

    public bool IsRoot => Keys.Count == 0;

    public string? LastKey => IsRoot ? null : Keys[^1];

    public DataPath Parent => IsRoot ? this : new DataPath(Keys.Take(Keys.Count - 1).ToArray());

    /// <summary>The first <paramref name="count"/> keys of this path.</summary>
    public DataPath Prefix(int count) => count >= Count ? this : count == 0 ? Root : new DataPath(Keys.Take(count).ToArray());

    public DataPath Child(string key) => new([.. Keys, key]);

    public DataPath Concat(DataPath relative) => relative.IsRoot ? this : IsRoot ? relative : new([.. Keys, .. relative.Keys]);

    /// <summary>True when this path equals <paramref name="other"/> or lies below it.</summary>
    public bool IsAtOrBelow(DataPath other)
    {
        if (other.Count > Count)
        {
            return false;
        }

        for (var i = 0; i < other.Count; i++)
        {
            if (!string.Equals(Keys[i], other.Keys[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>This path relative to an ancestor (or itself).</summary>
    public DataPath RelativeTo(DataPath ancestor) => new(Keys.Skip(ancestor.Count).ToArray());

    /// <summary>Parses a slash-separated path; empty segments are ignored, as Firebase does.</summary>
    public static bool TryParse(string? text, out DataPath path, out string error)
    {
        path = Root;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var keys = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var key in keys)
        {
            if (!IsValidKey(key, out var why))
            {
                error = $"Invalid path \"/{string.Join('/', keys)}\": {why}";
                return false;
            }
        }

        if (keys.Length >= MaxDepth)
        {
            error = $"Invalid path: it is {keys.Length} levels deep; the maximum depth is {MaxDepth - 1}.";
            return false;
        }

        path = new DataPath(keys);
        return true;
    }

    public static DataPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path : throw new ArgumentException(error, nameof(text));

    /// <summary>Key rules: non-empty, ≤ 768 UTF-8 bytes, none of <c>. $ # [ ] /</c> nor control characters.</summary>
    public static bool IsValidKey(string key, out string why)
    {
        why = "";
        if (key.Length == 0)
        {
            why = "keys cannot be empty.";
            return false;
        }

        foreach (var c in key)
        {
            if (c is '.' or '$' or '#' or '[' or ']' or '/' || c < 0x20 || c == 0x7F)
            {
                why = c < 0x20 || c == 0x7F
                    ? "keys cannot contain control characters."
                    : $"keys cannot contain \"{c}\" (keys cannot contain . $ # [ ] / or control characters).";
                return false;
            }

            if (char.IsSurrogate(c) && !IsWellFormed(key))
            {
                why = "keys must be valid UTF-8.";
                return false;
            }
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            why = $"keys can be at most {MaxKeyBytes} bytes of UTF-8.";
            return false;
        }

        return true;
    }

    private static bool IsWellFormed(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsHighSurrogate(key[i]))
            {
                if (i + 1 >= key.Length || !char.IsLowSurrogate(key[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(key[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => "/" + string.Join('/', Keys);

    public bool Equals(DataPath? other) => other is not null && Keys.SequenceEqual(other.Keys, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as DataPath);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var key in Keys)
        {
            hash.Add(key, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
