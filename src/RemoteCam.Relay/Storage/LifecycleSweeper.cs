using System.Text.Json;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// A bucket's lifecycle as the relay applies it (Cloud Storage "Object Lifecycle Management"):
/// <c>{"rule":[{"action":{"type":"Delete"},"condition":{"age":7,"matchesPrefix":["clips/"]}}]}</c>.
/// The subset: the Delete action with the conditions <c>age</c> (days since creation),
/// <c>createdBefore</c> (a date), <c>matchesPrefix</c> and <c>matchesSuffix</c>; a rule with
/// anything else is refused when set, so nothing is silently ignored. The relay sweeps every
/// few minutes (Cloud Storage may take up to a day), and deletes for good (no soft delete).
/// </summary>
internal sealed class LifecycleSweeper(ObjectStore store, TimeProvider time, TextWriter? log)
{
    private static readonly string[] KnownConditions = ["age", "createdBefore", "matchesPrefix", "matchesSuffix"];

    /// <summary>Checks a lifecycle JSON object; false with the reason when it is outside the subset.</summary>
    public static bool TryValidate(JsonElement lifecycle, out string error)
    {
        error = "";
        if (lifecycle.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (lifecycle.ValueKind != JsonValueKind.Object)
        {
            error = "Invalid lifecycle: expected an object with a 'rule' array.";
            return false;
        }

        if (!lifecycle.TryGetProperty("rule", out var rules))
        {
            return true;
        }

        if (rules.ValueKind != JsonValueKind.Array)
        {
            error = "Invalid lifecycle: 'rule' must be an array.";
            return false;
        }

        foreach (var rule in rules.EnumerateArray())
        {
            if (rule.ValueKind != JsonValueKind.Object
                || !rule.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
                || !action.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = "Invalid lifecycle rule: it needs an action with a type.";
                return false;
            }

            if (type.GetString() != "Delete")
            {
                error = $"Lifecycle action '{type.GetString()}' is not supported by the relay (only Delete).";
                return false;
            }

            if (!rule.TryGetProperty("condition", out var condition) || condition.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid lifecycle rule: it needs a condition.";
                return false;
            }

            foreach (var property in condition.EnumerateObject())
            {
                if (!KnownConditions.Contains(property.Name))
                {
                    error = $"Lifecycle condition '{property.Name}' is not supported by the relay (use age, createdBefore, matchesPrefix, matchesSuffix).";
                    return false;
                }

                var ok = property.Name switch
                {
                    "age" => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var age) && age >= 0,
                    "createdBefore" => property.Value.ValueKind == JsonValueKind.String && DateOnly.TryParse(property.Value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _),
                    _ => property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String),
                };
                if (!ok)
                {
                    error = $"Invalid lifecycle condition '{property.Name}'.";
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Deletes every object a Delete rule of its bucket matches; returns how many.</summary>
    public int Sweep()
    {
        var deleted = 0;
        var now = time.GetUtcNow();
        foreach (var (bucket, objects) in store.Snapshot())
        {
            if (bucket.LifecycleJson is null)
            {
                continue;
            }

            using var document = JsonDocument.Parse(bucket.LifecycleJson);
            if (!document.RootElement.TryGetProperty("rule", out var rules))
            {
                continue;
            }

            foreach (var stored in objects)
            {
                if (rules.EnumerateArray().Any(rule => Matches(rule.GetProperty("condition"), stored.Metadata, now))
                    && store.Delete(bucket.Name, stored.Metadata.Name, current => current.Metadata.Generation == stored.Metadata.Generation))
                {
                    deleted++;
                }
            }
        }

        if (deleted > 0)
        {
            log?.WriteLine($"Storage lifecycle: deleted {deleted} object(s).");
        }

        return deleted;
    }

    private static bool Matches(JsonElement condition, ObjectMetadata metadata, DateTimeOffset now)
    {
        foreach (var property in condition.EnumerateObject())
        {
            var ok = property.Name switch
            {
                "age" => (now - metadata.TimeCreated).TotalDays >= property.Value.GetInt32(),
                "createdBefore" => metadata.TimeCreated < DateOnly.Parse(property.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                "matchesPrefix" => property.Value.EnumerateArray().Any(p => metadata.Name.StartsWith(p.GetString()!, StringComparison.Ordinal)),
                "matchesSuffix" => property.Value.EnumerateArray().Any(p => metadata.Name.EndsWith(p.GetString()!, StringComparison.Ordinal)),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
