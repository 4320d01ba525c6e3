using RemoteCam.Relay.Data;

using static RemoteCam.Relay.Tests.Rules.RulesTestHelpers;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>Firebase "Use conditions": .validate does not cascade, every applicable one must pass, none runs on null.</summary>
public sealed class ValidateTests
{
    private const string Rules = """
        {
          "rules": {
            ".write": true,
            "widgets": {
              "$widget": {
                ".validate": "newData.hasChildren(['color', 'size'])",
                "color": { ".validate": "newData.isString() && newData.val().matches(/^(red|blue)$/)" },
                "size": { ".validate": "newData.isNumber() && newData.val() >= 0 && newData.val() <= 99" },
                "$other": { ".validate": false }
              }
            },
            "messages": {
              "$id": {
                "text": { ".validate": "newData.isString() && newData.val().length < 10" }
              }
            },
            "free": { ".validate": false, "inner": { ".write": false } }
          }
        }
        """;

    /// <summary>(root before, path written, value) → allowed.</summary>
    public static TheoryData<string?, string, string?, bool> Writes => new()
    {
        { null, "/widgets/w1", """{"color":"red","size":5}""", true },
        { null, "/widgets/w1", """{"color":"green","size":5}""", false },
        { null, "/widgets/w1", """{"color":"red","size":500}""", false },
        { null, "/widgets/w1", """{"color":"red"}""", false },
        // $other refuses any key the named siblings do not match.
        { null, "/widgets/w1", """{"color":"red","size":5,"extra":1}""", false },
        // The parent's .validate sees the merged new data when one child is written.
        { """{"widgets":{"w1":{"color":"red","size":5}}}""", "/widgets/w1/size", "6", true },
        { """{"widgets":{"w1":{"color":"red","size":5}}}""", "/widgets/w1/size", "\"6\"", false },
        { null, "/widgets/w1/size", "6", false },
        // Deletes skip .validate at and below the location, but the parent's still applies.
        { """{"widgets":{"w1":{"color":"red","size":5}}}""", "/widgets/w1", null, true },
        { """{"widgets":{"w1":{"color":"red","size":5}}}""", "/widgets/w1/size", null, false },
        { """{"widgets":{"w1":{"color":"red","size":5}}}""", "/widgets", null, true },
        // Deeper .validate rules apply to a write at an ancestor.
        { null, "/messages", """{"m1":{"text":"hi"},"m2":{"text":"hello"}}""", true },
        { null, "/messages", """{"m1":{"text":"hi"},"m2":{"text":"far too long"}}""", false },
        { null, "/", """{"messages":{"m1":{"text":1}}}""", false },
        // Children without rules are not validated.
        { null, "/messages/m1/other", "\"anything at all\"", true },
        // An ancestor's .validate runs for a write below it (its new data changes too).
        { null, "/free/x", "1", false },
        { null, "/free", null, true },
        // .write false deeper does not revoke the root grant, but /free's .validate still refuses.
        { null, "/free/inner", "1", false },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void Validates(string? root, string path, string? value, bool expected)
    {
        Assert.Equal(expected, Write(Policy(Rules), Who(null), path, root, value));
    }

    [Fact]
    public void MultiPathUpdateValidatesEachLocationAgainstTheMergedResult()
    {
        var policy = Policy(Rules);
        var root = Json("""{"widgets":{"w1":{"color":"red","size":5}}}""");
        var at = DataPath.Parse("/widgets/w1");
        var color = DataPath.Parse("/widgets/w1/color");
        var size = DataPath.Parse("/widgets/w1/size");

        var good = Tree.Set(Tree.Set(root, color, Json("\"blue\"")), size, Json("7"));
        Assert.True(policy.CanWrite(Who(null), color, root, good, Now));
        Assert.True(policy.CanWrite(Who(null), size, root, good, Now));

        // One bad location fails its own check; the database rejects the whole update.
        var bad = Tree.Set(Tree.Set(root, color, Json("\"blue\"")), size, Json("700"));
        Assert.True(policy.CanWrite(Who(null), color, root, bad, Now) is false || policy.CanWrite(Who(null), size, root, bad, Now) is false);
        Assert.False(policy.CanWrite(Who(null), size, root, bad, Now));

        // Deleting a required child in an update fails the parent's hasChildren through every location.
        var missing = Tree.Set(Tree.Set(root, color, null), size, Json("7"));
        Assert.False(policy.CanWrite(Who(null), size, root, missing, Now));
        Assert.True(Tree.Get(missing, at) is not null);
    }
}
