using System.Text.Json;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Http;

/// <summary>
/// A PATCH body: an object whose keys are child names or slash paths (a multi-path update).
/// Each value replaces its location as a whole. One key may not be an ancestor of another, as
/// the SDK refuses such updates: they have no single meaning.
/// </summary>
internal static class PatchBody
{
    public static bool TryParse(ReadOnlyMemory<byte> json, DataPath at, out List<KeyValuePair<DataPath, Node?>> children, out string error)
    {
        children = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            error = JsonTree.InvalidJson;
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = Errors.PatchNotObject;
                return false;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!DataPath.TryParse(property.Name, out var relative, out error) || relative.IsRoot)
                {
                    error = relative.IsRoot && error.Length == 0
                        ? Errors.PatchBadKey(property.Name)
                        : error.Replace("Invalid path", "Invalid data; invalid key", StringComparison.Ordinal);
                    return false;
                }

                if (at.Count + relative.Count >= DataPath.MaxDepth)
                {
                    error = Errors.PatchTooDeep(property.Name, DataPath.MaxDepth - 1);
                    return false;
                }

                if (!JsonTree.TryConvert(property.Value, at.Count + relative.Count, property.Name, out var value, out error))
                {
                    return false;
                }

                children.Add(new(relative, value));
            }

            var seen = new HashSet<DataPath>(children.Select(c => c.Key));
            foreach (var (path, _) in children)
            {
                for (var ancestor = path.Parent; !ancestor.IsRoot; ancestor = ancestor.Parent)
                {
                    if (seen.Contains(ancestor))
                    {
                        error = Errors.PatchAncestor(ancestor.ToString(), path.ToString());
                        return false;
                    }
                }
            }

            error = "";
            return true;
        }
    }
}
