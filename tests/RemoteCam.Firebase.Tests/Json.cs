using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteCam.Firebase.Tests;

internal static class Json
{
    public static JsonElement Parse(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    /// <summary>Structural equality: object key order does not matter.</summary>
    public static bool Same(JsonElement actual, string expected) =>
        JsonNode.DeepEquals(JsonNode.Parse(actual.GetRawText()), JsonNode.Parse(expected));

    public static void Equal(string expected, JsonElement actual) =>
        Assert.True(Same(actual, expected), $"Expected {expected}{Environment.NewLine}but got  {actual.GetRawText()}");

    /// <summary>A failure bound for awaiting events; never a synchronisation delay.</summary>
    public static CancellationToken Timeout(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
