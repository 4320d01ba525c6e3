using System.Text.Json;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// The SDK's query object (QueryParams.getQueryObject: <c>sp sn sin ep en ein l vf i</c>) as the
/// relay's <see cref="QuerySpec"/>, so listens and gets reuse the REST query engine. Without any
/// key it is the default query (null). Older clients wrap the object in an array.
/// </summary>
internal static class WsQuery
{
    public static bool TryParse(JsonElement? element, out QuerySpec? spec, out string error)
    {
        spec = null;
        error = "";
        if (element is not { } q || q.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (q.ValueKind == JsonValueKind.Array)
        {
            if (q.GetArrayLength() != 1)
            {
                error = "A query must be one object.";
                return false;
            }

            q = q[0];
        }

        if (q.ValueKind != JsonValueKind.Object)
        {
            error = "A query must be an object.";
            return false;
        }

        var order = QueryOrder.Priority;
        DataPath? child = null;
        if (q.TryGetProperty("i", out var index))
        {
            if (index.ValueKind != JsonValueKind.String)
            {
                error = "The query index (i) must be a string.";
                return false;
            }

            switch (index.GetString())
            {
                case ".key":
                    order = QueryOrder.Key;
                    break;
                case ".value":
                    order = QueryOrder.Value;
                    break;
                case ".priority":
                    break;
                case var name:
                    if (!DataPath.TryParse(name, out var path, out error) || path.IsRoot)
                    {
                        error = error.Length > 0 ? error : "The query index (i) names no child.";
                        return false;
                    }

                    order = QueryOrder.Child;
                    child = path;
                    break;
            }
        }

        if (!TryBound(q, "sp", "sn", out var start, out error)
            || !TryBound(q, "ep", "en", out var end, out error)
            || !TryLimit(q, out var limit, out var fromLeft, out error))
        {
            return false;
        }

        var startInclusive = !q.TryGetProperty("sin", out var sin) || sin.ValueKind != JsonValueKind.False;
        var endInclusive = !q.TryGetProperty("ein", out var ein) || ein.ValueKind != JsonValueKind.False;
        if (order == QueryOrder.Key && (start?.Value is not (null or string) || end?.Value is not (null or string)))
        {
            error = QueryParser.KeyOrderNotString;
            return false;
        }

        var result = new QuerySpec
        {
            OrderBy = order,
            ChildPath = child,
            StartAt = startInclusive ? start : null,
            StartAfter = startInclusive ? null : start,
            EndAt = endInclusive ? end : null,
            EndBefore = endInclusive ? null : end,
            LimitToFirst = fromLeft ? limit : null,
            LimitToLast = fromLeft ? null : limit,
        };
        spec = result.HasFilter || order != QueryOrder.Priority ? result : null;
        return true;
    }

    private static bool TryBound(JsonElement q, string valueKey, string nameKey, out QueryBound? bound, out string error)
    {
        bound = null;
        error = "";
        if (!q.TryGetProperty(valueKey, out var value))
        {
            return true;
        }

        object? v;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                v = null;
                break;
            case JsonValueKind.True or JsonValueKind.False:
                v = value.GetBoolean();
                break;
            case JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d):
                v = d;
                break;
            case JsonValueKind.String:
                v = value.GetString();
                break;
            default:
                error = $"The query bound ({valueKey}) must be null, a boolean, a number or a string.";
                return false;
        }

        string? name = null;
        if (q.TryGetProperty(nameKey, out var n))
        {
            if (n.ValueKind != JsonValueKind.String)
            {
                error = $"The query bound's key ({nameKey}) must be a string.";
                return false;
            }

            name = n.GetString();
        }

        bound = new QueryBound(v, name);
        return true;
    }

    private static bool TryLimit(JsonElement q, out int? limit, out bool fromLeft, out string error)
    {
        limit = null;
        fromLeft = true;
        error = "";
        if (!q.TryGetProperty("l", out var l))
        {
            return true;
        }

        if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out var value) || value <= 0)
        {
            error = "The query limit (l) must be a positive integer.";
            return false;
        }

        limit = value;
        fromLeft = !q.TryGetProperty("vf", out var vf) || vf.ValueKind != JsonValueKind.String || vf.GetString() != "r";
        return true;
    }
}
