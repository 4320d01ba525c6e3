using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Data;

/// <summary>
/// Parses the REST query parameters (Firebase REST reference, "Query parameters"; the JS SDK's
/// ReadonlyRestClient sends the same names). Values are expected URL-decoded. Validation follows
/// the JS SDK (api/Reference_impl.ts validateQueryEndpoints, validateLimit, the Query.* checks).
/// </summary>
internal static class QueryParser
{
    public const string OrderByMissing = "orderBy must be defined when other query parameters are defined";

    /// <summary>Real RTDB's message for an orderBy that is not a JSON string.</summary>
    public const string OrderByNotJson = "orderBy must be a valid JSON encoded path";

    public const string KeyOrderNotString =
        "Query: When ordering by key, the argument passed to startAt(), startAfter(), endAt(), endBefore(), or equalTo() must be a string.";

    public const string KeyOrderOneArgument =
        "Query: When ordering by key, you may only pass one argument to startAt(), startAfter(), endAt(), endBefore(), or equalTo().";

    public const string PriorityOrderValue =
        "Query: When ordering by priority, the first argument passed to startAt(), startAfter(), endAt(), endBefore(), or equalTo() must be a valid priority value (null, a number, or a string).";

    /// <summary>The REST query parameters (orderBy, ranges, limits).</summary>
    internal static readonly string[] QueryNames =
        ["orderBy", "startAt", "startAfter", "endAt", "endBefore", "equalTo", "limitToFirst", "limitToLast"];

    /// <summary>
    /// Reads the query parameters among <paramref name="parameters"/> (others, such as auth or
    /// print, are ignored). <paramref name="spec"/> is null when there are none.
    /// </summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> parameters, out QuerySpec? spec, out string error)
    {
        spec = null;
        error = "";
        if (!QueryNames.Any(parameters.ContainsKey))
        {
            return true;
        }

        if (!parameters.TryGetValue("orderBy", out var orderByText))
        {
            error = OrderByMissing;
            return false;
        }

        if (!TryParseOrderBy(orderByText, out var order, out var childPath, out error)
            || !TryBound(parameters, "startAt", out var startAt, out error)
            || !TryBound(parameters, "startAfter", out var startAfter, out error)
            || !TryBound(parameters, "endAt", out var endAt, out error)
            || !TryBound(parameters, "endBefore", out var endBefore, out error)
            || !TryBound(parameters, "equalTo", out var equalTo, out error)
            || !TryLimit(parameters, "limitToFirst", out var first, out error)
            || !TryLimit(parameters, "limitToLast", out var last, out error))
        {
            return false;
        }

        // The SDK: "Starting point was already set (by another call to startAt, startAfter, or equalTo)".
        if (startAt is not null && startAfter is not null)
        {
            error = "startAt and startAfter cannot be combined";
            return false;
        }

        if (endAt is not null && endBefore is not null)
        {
            error = "endAt and endBefore cannot be combined";
            return false;
        }

        if (equalTo is not null && (startAt ?? startAfter ?? endAt ?? endBefore) is not null)
        {
            error = "equalTo cannot be combined with startAt, startAfter, endAt or endBefore";
            return false;
        }

        // The SDK: "Limit was already set (by another call to limitToFirst or limitToLast)".
        if (first is not null && last is not null)
        {
            error = "limitToFirst and limitToLast cannot be combined";
            return false;
        }

        QueryBound?[] bounds = [startAt, startAfter, endAt, endBefore, equalTo];
        foreach (var bound in bounds)
        {
            if (bound is not null && !IsValidForOrder(order, bound, out error))
            {
                return false;
            }
        }

        spec = new QuerySpec
        {
            OrderBy = order,
            ChildPath = childPath,
            StartAt = startAt,
            StartAfter = startAfter,
            EndAt = endAt,
            EndBefore = endBefore,
            EqualTo = equalTo,
            LimitToFirst = first,
            LimitToLast = last,
        };
        return true;
    }

    private static bool TryParseOrderBy(string text, out QueryOrder order, out DataPath? childPath, out string error)
    {
        order = QueryOrder.Key;
        childPath = null;
        error = "";
        if (!TryParsePrimitive(text, out var value) || value is not string name)
        {
            error = OrderByNotJson;
            return false;
        }

        switch (name)
        {
            case "$key":
                order = QueryOrder.Key;
                return true;
            case "$value":
                order = QueryOrder.Value;
                return true;
            case "$priority":
                order = QueryOrder.Priority;
                return true;
        }

        if (!DataPath.TryParse(name, out var path, out var why))
        {
            error = $"{OrderByNotJson}: {why}";
            return false;
        }

        if (path.IsRoot)
        {
            // The SDK's orderByChild rejects an empty path and points to orderByValue.
            error = $"{OrderByNotJson}: the path is empty; use \"$value\" to order by value";
            return false;
        }

        order = QueryOrder.Child;
        childPath = path;
        return true;
    }

    /// <summary>Parses <c>value</c> or the compound <c>value,"key"</c>; both parts JSON-encoded.</summary>
    private static bool TryBound(IReadOnlyDictionary<string, string> parameters, string name, out QueryBound? bound, out string error)
    {
        bound = null;
        error = "";
        if (!parameters.TryGetValue(name, out var text))
        {
            return true;
        }

        if (TryParsePrimitive(text, out var value))
        {
            bound = new QueryBound(value);
            return true;
        }

        if (SplitCompound(text) is var (valueText, keyText)
            && TryParsePrimitive(valueText, out value)
            && TryParsePrimitive(keyText, out var keyValue))
        {
            if (keyValue is not string key)
            {
                error = $"{name}: the key name after the comma must be a JSON string";
                return false;
            }

            if (key is not Ordering.MinName and not Ordering.MaxName && !DataPath.IsValidKey(key, out var why))
            {
                error = $"{name}: invalid key name \"{key}\": {why}";
                return false;
            }

            bound = new QueryBound(value, key);
            return true;
        }

        error = $"Constraint index field must be a JSON primitive ({name})";
        return false;
    }

    private static bool TryLimit(IReadOnlyDictionary<string, string> parameters, string name, out int? limit, out string error)
    {
        limit = null;
        error = "";
        if (!parameters.TryGetValue(name, out var text))
        {
            return true;
        }

        // The SDK: "Query.limitToFirst: First argument must be a positive integer."
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            error = $"{name} must be a positive integer";
            return false;
        }

        limit = value;
        return true;
    }

    /// <summary>The SDK's validateQueryEndpoints rules per index.</summary>
    private static bool IsValidForOrder(QueryOrder order, QueryBound bound, out string error)
    {
        error = "";
        switch (order)
        {
            case QueryOrder.Key when bound.Key is not null:
                error = KeyOrderOneArgument;
                return false;
            case QueryOrder.Key when bound.Value is not string:
                error = KeyOrderNotString;
                return false;
            case QueryOrder.Priority when bound.Value is bool:
                error = PriorityOrderValue;
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// Splits <c>value,"key"</c> after the first JSON token (a string value may contain commas);
    /// null when the text is not one token, a comma and more. Linear, unlike trying every comma.
    /// </summary>
    private static (string Value, string Key)? SplitCompound(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            if (!reader.Read() || reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        var rest = bytes.AsSpan((int)reader.BytesConsumed).TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)',')
        {
            return null;
        }

        return (Encoding.UTF8.GetString(bytes, 0, (int)reader.BytesConsumed), Encoding.UTF8.GetString(rest[1..]));
    }

    /// <summary>A JSON null, boolean, finite number or string; objects and arrays are rejected.</summary>
    private static bool TryParsePrimitive(string json, out object? value)
    {
        value = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var element = document.RootElement;
            switch (element.ValueKind)
            {
                case JsonValueKind.Null:
                    return true;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    value = element.GetBoolean();
                    return true;
                case JsonValueKind.Number when element.TryGetDouble(out var number) && double.IsFinite(number):
                    value = number;
                    return true;
                case JsonValueKind.String:
                    value = element.GetString();
                    return true;
                default:
                    return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
