using System.Globalization;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Tests.Query;

internal static class QueryTestHelpers
{
    /// <summary>Splits <c>a=1&amp;b=2</c> into decoded parameters, as the HTTP layer would.</summary>
    public static Dictionary<string, string> Parameters(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            parameters[Uri.UnescapeDataString(name)] = Uri.UnescapeDataString(value);
        }

        return parameters;
    }

    public static QuerySpec Spec(string query)
    {
        Assert.True(QueryParser.TryParse(Parameters(query), out var spec, out var error), error);
        Assert.NotNull(spec);
        return spec;
    }

    /// <summary>A compact description of a spec for table-driven assertions.</summary>
    public static string Describe(QuerySpec spec)
    {
        var parts = new List<string>
        {
            spec.OrderBy == QueryOrder.Child ? $"Child({spec.ChildPath})" : spec.OrderBy.ToString(),
        };
        Add(parts, "startAt", spec.StartAt);
        Add(parts, "startAfter", spec.StartAfter);
        Add(parts, "endAt", spec.EndAt);
        Add(parts, "endBefore", spec.EndBefore);
        Add(parts, "equalTo", spec.EqualTo);
        if (spec.LimitToFirst is { } first)
        {
            parts.Add($"limitToFirst={first}");
        }

        if (spec.LimitToLast is { } last)
        {
            parts.Add($"limitToLast={last}");
        }

        return string.Join(' ', parts);
    }

    private static void Add(List<string> parts, string name, QueryBound? bound)
    {
        if (bound is null)
        {
            return;
        }

        var value = bound.Value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s => $"'{s}'",
            var other => other.ToString(),
        };
        parts.Add(bound.Key is null ? $"{name}={value}" : $"{name}={value},'{bound.Key}'");
    }
}
