using System.Globalization;
using System.Text.Json.Nodes;

namespace RemoteCam.Relay.Tests;

/// <summary>
/// What an EventSource client does with put and patch events: keeps a local copy of the listened
/// location. Firebase guarantees the copy converges to the server's value; tests that must not
/// depend on exactly which events are sent compare this copy instead.
/// </summary>
public sealed class SseCache
{
    private JsonNode? _root;

    public void Apply(SseEvent e)
    {
        switch (e.Event)
        {
            case "put":
                Set(e.Path, Normalize(JsonNode.Parse(e.Payload)));
                break;
            case "patch":
                var children = JsonNode.Parse(e.Payload)!.AsObject();
                foreach (var (key, value) in children)
                {
                    Set(e.Path.TrimEnd('/') + "/" + key, Normalize(value?.DeepClone()));
                }

                break;
        }

        _root = Normalize(_root);
    }

    public bool Matches(string expectedJson) => JsonNode.DeepEquals(_root, Normalize(JsonNode.Parse(expectedJson)));

    public override string ToString() => _root?.ToJsonString() ?? "null";

    private void Set(string path, JsonNode? value)
    {
        var keys = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (keys.Length == 0)
        {
            _root = value;
            return;
        }

        if (_root is not JsonObject)
        {
            _root = new JsonObject();
        }

        var node = _root.AsObject();
        foreach (var key in keys[..^1])
        {
            if (node[key] is not JsonObject child)
            {
                child = new JsonObject();
                node[key] = child;
            }

            node = child;
        }

        node[keys[^1]] = value;
    }

    /// <summary>Arrays become integer-keyed objects; nulls and empty objects disappear, as in the database.</summary>
    private static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                var fromArray = new JsonObject();
                for (var i = 0; i < array.Count; i++)
                {
                    var item = Normalize(array[i]?.DeepClone());
                    if (item is not null)
                    {
                        fromArray[i.ToString(CultureInfo.InvariantCulture)] = item;
                    }
                }

                return fromArray.Count == 0 ? null : fromArray;
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj.ToList())
                {
                    var child = Normalize(value?.DeepClone());
                    if (child is not null)
                    {
                        result[key] = child;
                    }
                }

                return result.Count == 0 ? null : result;
            default:
                return node?.DeepClone();
        }
    }
}
