using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Http;

/// <summary>Applies the REST query parameters (orderBy, ranges, limits) to a location's value.</summary>
internal static class Queries
{
    public static bool TryApply(Node? value, IReadOnlyDictionary<string, string> parameters, out Node? result, out string error)
    {
        result = value;
        error = "Queries are not supported yet.";
        return parameters.Count == 0;
    }
}