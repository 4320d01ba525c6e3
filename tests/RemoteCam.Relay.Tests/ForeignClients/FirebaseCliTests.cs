using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RemoteCam.Relay.Tests.ForeignClients;

/// <summary>
/// The official firebase CLI (firebase-tools, pinned in the repo's package.json) against the
/// relay, as against the RTDB emulator. Each test works under its own top-level key.
/// </summary>
public sealed partial class FirebaseCliTests(FirebaseCliFixture cli) : IClassFixture<FirebaseCliFixture>
{
    [Fact]
    public async Task Set_FromFile_StoresTheFile()
    {
        var file = Path.Combine(cli.WorkDirectory, "set-file.json");
        await File.WriteAllTextAsync(file, """{"name":"relay","n":42,"nested":{"ok":true,"list":{"a":1}}}""");

        var result = await cli.RunAsync(["database:set", "/setFile", file, "-f"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Data persisted successfully", result.StdOut, StringComparison.Ordinal);
        AssertJson("""{"name":"relay","n":42,"nested":{"ok":true,"list":{"a":1}}}""", await cli.ReadAsync("/setFile"));
    }

    [Fact]
    public async Task Set_FromDataOptionAndFromStdin_StoresBoth()
    {
        await cli.WriteAsync("/setData", """{"old":"replaced"}""");

        var results = await Task.WhenAll(
            cli.RunAsync(["database:set", "/setData", "--data", """{"via":"data","n":1.5}""", "-f"]),
            cli.RunAsync(["database:set", "/setStdin", "-f"], stdin: "\"just a string\"\n"));

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Data persisted successfully", result.StdOut, StringComparison.Ordinal);
        }

        AssertJson("""{"via":"data","n":1.5}""", await cli.ReadAsync("/setData"));
        AssertJson("\"just a string\"", await cli.ReadAsync("/setStdin"));
    }

    [Fact]
    public async Task Get_PlainPrettyShallowExport()
    {
        await cli.WriteAsync("/get", """{"b":{"x":1},"a":"text","c":{".value":3,".priority":7}}""");

        var results = await Task.WhenAll(
            cli.RunAsync(["database:get", "/get"]),
            cli.RunAsync(["database:get", "/get", "--pretty"]),
            cli.RunAsync(["database:get", "/get", "--shallow"]),
            cli.RunAsync(["database:get", "/get", "--export"]),
            cli.RunAsync(["database:get", "/get/a"]),
            cli.RunAsync(["database:get", "/get/missing"]));
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        var (plain, pretty, shallow, export, leaf, missing) = (results[0], results[1], results[2], results[3], results[4], results[5]);
        AssertJson("""{"a":"text","b":{"x":1},"c":3}""", JsonNode.Parse(plain.Data));
        Assert.DoesNotContain('\n', plain.Data);
        AssertJson("""{"a":"text","b":{"x":1},"c":3}""", JsonNode.Parse(pretty.Data));
        Assert.Contains("\n  \"b\": {\n", pretty.Data.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        AssertJson("""{"a":true,"b":true,"c":true}""", JsonNode.Parse(shallow.Data));
        AssertJson("""{"a":"text","b":{"x":1},"c":{".value":3,".priority":7}}""", JsonNode.Parse(export.Data));
        Assert.Equal("\"text\"", leaf.Data);
        Assert.Equal("null", missing.Data);
    }

    /// <summary>The CLI JSON-encodes <c>--order-by</c> and the range values unless they already parse as JSON.</summary>
    [Theory]
    [InlineData("--order-by-key --limit-to-first 2", """{"alice":30,"bob":10}""")]
    [InlineData("--order-by-key --limit-to-last 1", """{"dave":40}""")]
    [InlineData("--order-by-key --start-at bob --end-at carol", """{"bob":10,"carol":20}""")]
    [InlineData("--order-by-key --equal-to \"carol\"", """{"carol":20}""")]
    [InlineData("--order-by-value --limit-to-first 2", """{"bob":10,"carol":20}""")]
    [InlineData("--order-by-value --start-at 20 --end-at 30", """{"alice":30,"carol":20}""")]
    [InlineData("--order-by-value --equal-to 40", """{"dave":40}""")]
    [InlineData("--order-by-value --start-at 15 --limit-to-last 2", """{"alice":30,"dave":40}""")]
    public async Task Get_Query_OnValues(string options, string expected)
    {
        await cli.WriteAsync("/scores", """{"alice":30,"bob":10,"carol":20,"dave":40}""");

        var result = await cli.RunAsync(["database:get", "/scores", .. options.Split(' ')]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertJson(expected, JsonNode.Parse(result.Data));
    }

    [Theory]
    [InlineData("--order-by age --limit-to-first 1", """{"p2":{"age":25,"name":"bo"}}""")]
    [InlineData("--order-by age --equal-to 30", """{"p1":{"age":30,"name":"al"}}""")]
    [InlineData("--order-by age --start-at 30 --limit-to-first 1", """{"p1":{"age":30,"name":"al"}}""")]
    [InlineData("--order-by name --end-at bo", """{"p1":{"age":30,"name":"al"},"p2":{"age":25,"name":"bo"}}""")]
    public async Task Get_Query_OnChild(string options, string expected)
    {
        await cli.WriteAsync("/people", """{"p1":{"age":30,"name":"al"},"p2":{"age":25,"name":"bo"},"p3":{"age":35,"name":"cy"}}""");

        var result = await cli.RunAsync(["database:get", "/people", .. options.Split(' ')]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertJson(expected, JsonNode.Parse(result.Data));
    }

    [Fact]
    public async Task Push_AddsAChildUnderAPushId()
    {
        await cli.WriteAsync("/pushed", """{"existing":1}""");

        var result = await cli.RunAsync(["database:push", "/pushed", "--data", """{"k":"v","n":2}"""]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Data pushed successfully", result.StdOut, StringComparison.Ordinal);
        var match = ViewDataUrl().Match(result.StdOut);
        Assert.True(match.Success, result.ToString());
        var key = match.Groups["key"].Value;
        Assert.Matches("^[-0-9A-Z_a-z]{20}$", key);
        AssertJson($$$"""{"existing":1,"{{{key}}}":{"k":"v","n":2}}""", await cli.ReadAsync("/pushed"));
    }

    [Fact]
    public async Task Update_MultiPath_ReplacesOnlyTheNamedLocations()
    {
        await cli.WriteAsync("/upd", """{"a":{"x":1,"y":2},"b":{"z":3},"keep":true}""");

        var result = await cli.RunAsync(["database:update", "/upd", "--data", """{"a/x":10,"b":{"w":4},"c":"new","gone":null}""", "-f"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Data updated successfully", result.StdOut, StringComparison.Ordinal);
        AssertJson("""{"a":{"x":10,"y":2},"b":{"w":4},"c":"new","keep":true}""", await cli.ReadAsync("/upd"));
    }

    [Fact]
    public async Task Remove_DeletesTheLocationOnly()
    {
        await cli.WriteAsync("/rm", """{"gone":{"deep":{"x":1}},"stays":2}""");

        // The CLI says database:remove does not support the emulator (it does use it) and asks
        // "Do you want to continue?" even with -f and --non-interactive: answer on stdin.
        var result = await cli.RunAsync(["database:remove", "/rm/gone", "-f"], stdin: "y\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Data removed successfully", result.StdOut, StringComparison.Ordinal);
        AssertJson("""{"stays":2}""", await cli.ReadAsync("/rm"));
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}\nActual   {actual?.ToJsonString() ?? "null"}");

    /// <summary>"View data at: http://host:port/pushed/&lt;key&gt;.json?ns=…".</summary>
    [GeneratedRegex(@"View data at: \S+/pushed/(?<key>[^/.?\s]+)\.json")]
    private static partial Regex ViewDataUrl();
}
