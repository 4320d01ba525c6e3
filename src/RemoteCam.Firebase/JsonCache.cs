using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteCam.Firebase;

/// <summary>
/// A local copy of one location, updated by stream events. Empty objects are pruned, as the database
/// never stores them, so a delete of the last child makes the parent disappear too. Not thread-safe.
/// </summary>
internal sealed class JsonCache
{
    private JsonNode? root;

    public JsonElement Value => JsonSerializer.SerializeToElement(root);

    public void Apply(DatabaseEvent databaseEvent)
    {
        switch (databaseEvent)
        {
            case PutEvent put:
                Set(put.Path, put.Data);
                break;
            case PatchEvent patch when patch.Data.ValueKind == JsonValueKind.Object:
                foreach (JsonProperty child in patch.Data.EnumerateObject())
                {
                    Set(patch.Path + "/" + child.Name, child.Value);
                }

                break;
        }
    }

    public void Set(string path, JsonElement value)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? node = ToNode(value);
        if (segments.Length == 0)
        {
            root = node;
            return;
        }

        if (node is null)
        {
            Remove(segments);
            return;
        }

        if (root is not JsonObject current)
        {
            root = current = [];
        }

        foreach (string segment in segments[..^1])
        {
            if (current[segment] is not JsonObject next)
            {
                next = [];
                current[segment] = next;
            }

            current = next;
        }

        current[segments[^1]] = node;
    }

    private void Remove(string[] segments)
    {
        var parents = new List<JsonObject>();
        JsonNode? current = root;
        foreach (string segment in segments[..^1])
        {
            if (current is not JsonObject parent)
            {
                return;
            }

            parents.Add(parent);
            current = parent[segment];
        }

        if (current is not JsonObject last)
        {
            return;
        }

        _ = last.Remove(segments[^1]);
        parents.Add(last);

        // Walk back up, dropping objects left empty.
        for (int i = parents.Count - 1; i >= 0 && parents[i].Count == 0; i--)
        {
            if (i == 0)
            {
                root = null;
            }
            else
            {
                _ = parents[i - 1].Remove(segments[i - 1]);
            }
        }
    }

    private static JsonNode? ToNode(JsonElement value)
    {
        JsonNode? node = value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : JsonNode.Parse(value.GetRawText());
        return node is JsonObject { Count: 0 } ? null : node;
    }
}
