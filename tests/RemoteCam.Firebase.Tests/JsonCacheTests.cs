using System.Text.Json;

namespace RemoteCam.Firebase.Tests;

/// <summary>How stream events change the listener's local copy (reference §2); no server needed.</summary>
public sealed class JsonCacheTests
{
    public static TheoryData<string, string[], string> Cases => new()
    {
        // Initial snapshot replaces everything.
        { """{"a":1}""", ["put / {\"b\":2}"], """{"b":2}""" },
        // Put below the root replaces that child, creating parents.
        { """{"a":1}""", ["put /x/y {\"z\":true}"], """{"a":1,"x":{"y":{"z":true}}}""" },
        // Put over a primitive turns it into an object.
        { """{"a":1}""", ["put /a/b 2"], """{"a":{"b":2}}""" },
        // Null deletes, and empty parents disappear.
        { """{"a":{"b":{"c":1}},"d":1}""", ["put /a/b/c null"], """{"d":1}""" },
        { """{"a":1}""", ["put /a null"], "null" },
        { """{"a":1}""", ["put /missing/child null"], """{"a":1}""" },
        // Patch replaces each named child (not a deep merge); keys may be slash paths.
        { """{"u":{"n":1,"m":{"p":1,"q":2}}}""", ["patch /u {\"m\":{\"p\":9},\"k\":3}"], """{"u":{"n":1,"m":{"p":9},"k":3}}""" },
        { """{"a":{"x":1},"b":{"x":1}}""", ["patch / {\"a/x\":2,\"b/x\":null}"], """{"a":{"x":2}}""" },
        // Empty objects count as null.
        { """{"a":1}""", ["put /a {}"], "null" },
        { "null", ["put / \"text\""], "\"text\"" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Events_are_applied_like_the_server_would(string initial, string[] events, string expected)
    {
        var cache = new JsonCache();
        cache.Set("/", JsonSerializer.Deserialize<JsonElement>(initial));

        foreach (string line in events)
        {
            string[] parts = line.Split(' ', 3);
            JsonElement data = JsonSerializer.Deserialize<JsonElement>(parts[2]);
            cache.Apply(parts[0] == "put" ? new PutEvent(parts[1], data) : new PatchEvent(parts[1], data));
        }

        Assert.Equal(expected, cache.Value.GetRawText());
    }
}
