using System.Globalization;

namespace RemoteCam.Relay.Data;

/// <summary>
/// Firebase's key order: keys that are 32-bit integers come first in numeric order (shorter
/// spelling first on equal values), then all other keys in code-unit order, as the JS SDK's
/// <c>nameCompare</c> does.
/// </summary>
internal sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Comparer = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var xIsInt = TryParseInt32Key(x, out var xi);
        var yIsInt = TryParseInt32Key(y, out var yi);
        if (xIsInt && yIsInt)
        {
            var byValue = xi.CompareTo(yi);
            return byValue != 0 ? byValue : x.Length.CompareTo(y.Length) is var byLength && byLength != 0
                ? byLength
                : string.CompareOrdinal(x, y);
        }

        if (xIsInt)
        {
            return -1;
        }

        if (yIsInt)
        {
            return 1;
        }

        return string.CompareOrdinal(x, y);
    }

    /// <summary>Matches the SDK's <c>^-?(0*)\d{1,10}$</c> within the 32-bit range.</summary>
    public static bool TryParseInt32Key(string key, out int value)
    {
        value = 0;
        var span = key.AsSpan();
        var start = span.Length > 0 && span[0] == '-' ? 1 : 0;
        if (span.Length == start)
        {
            return false;
        }

        var digits = span[start..];
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var significant = digits.TrimStart('0');
        if (significant.Length > 10)
        {
            return false;
        }

        return int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
