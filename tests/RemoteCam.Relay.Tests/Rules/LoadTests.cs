using RemoteCam.Relay.Data;
using RemoteCam.Relay.Rules;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>Loading rules files: the lenient JSON Firebase accepts, and refusals with rule path, line and column.</summary>
public sealed class LoadTests
{
    [Fact]
    public void AcceptsCommentsAndLineBreaksInsideRuleStrings()
    {
        const string text = """
            // Top comment
            {
              /* block
                 comment */
              "rules": {
                "rooms": {
                  "$room": {
                    ".read": "auth != null &&
                              auth.uid == $room", // trailing comment
                    ".write": false,
                    ".indexOn": ["owner", "meta/created", ".value"]
                  }
                },
                "log": { ".indexOn": "time" }
              }
            }
            """;
        Assert.True(RuleSet.TryLoad(text, out RuleSet? rules, out string error), error);
        Assert.Equal(text, rules!.Source);
        var policy = new RulesPolicy(rules);
        Assert.True(policy.CanRead(RulesTestHelpers.Who("r1"), DataPath.Parse("/rooms/r1"), null, 0));
        Assert.False(policy.CanRead(RulesTestHelpers.Who("r2"), DataPath.Parse("/rooms/r1"), null, 0));
    }

    /// <summary>(rules file, message, rule path, line, column).</summary>
    public static TheoryData<string, string, string, int, int> Errors => new()
    {
        {
            "{\n  \"rules\": {\n    \"a\": {\n      \".read\": \"foo == 1\"\n    }\n  }\n}",
            "Unknown variable 'foo'.", "/rules/a/.read", 4, 17
        },
        {
            "{\"rules\": {\"a\": {\".read\": \"newData.exists()\"}}}",
            "Unknown variable 'newData'.", "/rules/a/.read", 1, 28
        },
        {
            // The error position follows line breaks inside the rule string.
            "{\"rules\": {\n  \"$x\": {\n    \".write\": \"true &&\n       $y == 'a'\"}}}",
            "Unknown variable '$y'.", "/rules/$x/.write", 4, 8
        },
        {
            "{\"rules\": {\"a\": {\".validate\": \"1 + 2\"}}}",
            "Expression must evaluate to a boolean.", "/rules/a/.validate", 1, 32
        },
        {
            "{\"rules\": {\"a\": {\".write\": \"data.child(1).exists()\"}}}",
            "Type error: invalid argument 1 to child().", "/rules/a/.write", 1, 40
        },
        {
            "{\"rules\": {\"a\": {\".write\": \"data.nope()\"}}}",
            "No such method/property 'nope'.", "/rules/a/.write", 1, 34
        },
        {
            "{\"rules\": {\"a\": {\n  \".wrte\": true}}}",
            "Invalid key: .wrte. Rule keys starting with '.' must be .read, .write, .validate or .indexOn.", "/rules/a/.wrte", 2, 3
        },
        {
            "{\"rules\": {\"$a\": {}, \"$b\": {}}}",
            "Invalid key: $b. There can only be one $ wildcard at a given level (already have $a).", "/rules/$b", 1, 22
        },
        {
            "{\"rules\": {\"$a\": {\"$a\": {}}}}",
            "Invalid key: $a. The wildcard name is already used above this level.", "/rules/$a/$a", 1, 19
        },
        {
            "{\"rules\": {\"a\": true}}",
            "Expected an object of rules.", "/rules/a", 1, 17
        },
        {
            "{\"rules\": {\".read\": 1}}",
            "Expected .read to be a boolean or a string.", "/rules/.read", 1, 21
        },
        {
            "{\"rules\": {\".indexOn\": [1]}}",
            ".indexOn must be a string or an array of strings.", "/rules/.indexOn", 1, 25
        },
        {
            "{\"rulez\": {}}",
            "Invalid key 'rulez'; the top level may only contain \"rules\".", "/rulez", 1, 2
        },
        {
            "{\"rules\": {\"a\": {\".read\": true,}}}",
            "Expected a quoted key.", "", 1, 32
        },
        {
            "{\"rules\": {\n\"a\": {\".read\": true}, \"a\": {}}}",
            "Duplicate key 'a'.", "", 2, 23
        },
        {
            "{\"rules\": {\".read\": \"'x'.matches(/x/g)\"}}",
            "Invalid regular expression flag 'g'; only 'i' is supported.", "/rules/.read", 1, 34
        },
        {
            "{\"rules\": {\".read\": \"true\\n && \\\"a\\\" == \"}}",
            "Unexpected end of expression.", "/rules/.read", 1, 41
        },
        {
            "[]",
            "Rules must be an object with a \"rules\" property.", "", 1, 1
        },
        {
            "",
            "Unexpected end of input.", "", 1, 1
        },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void RefusesWithPosition(string text, string message, string rulePath, int line, int column)
    {
        Assert.False(RuleSet.TryLoad(text, out RuleSet? _, out RuleLoadError? error));
        Assert.Equal(new RuleLoadError(message, rulePath, line, column), error);
        Assert.False(RuleSet.TryLoad(text, out RuleSet? _, out string firebase));
        Assert.Equal($"Error saving rules - Line {line}: {message}", firebase);
    }

    [Fact]
    public void RepositoryRulesFileLoadsAndIsClosed()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RemoteCam.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "database.rules.json"));
        Assert.True(RuleSet.TryLoad(text, out RuleSet? rules, out string error), error);
        var policy = new RulesPolicy(rules!);
        Assert.False(policy.CanRead(RulesTestHelpers.Who("u"), DataPath.Root, null, 0));
        Assert.False(policy.CanWrite(RulesTestHelpers.Who("u"), DataPath.Parse("/x"), null, RulesTestHelpers.Json("1"), 0));
    }

    [Fact]
    public void IndexLookup()
    {
        var rules = RuleSet.Load("""
            {"rules": {
              "dinosaurs": {".indexOn": ["height", "dimensions/height"]},
              "scores": {".indexOn": ".value"},
              "users": {"$uid": {"posts": {".indexOn": "time"}}}
            }}
            """);
        Assert.True(rules.HasIndex(DataPath.Parse("/dinosaurs"), "height"));
        Assert.True(rules.HasIndex(DataPath.Parse("/dinosaurs"), "/dimensions/height"));
        Assert.False(rules.HasIndex(DataPath.Parse("/dinosaurs"), "weight"));
        Assert.False(rules.HasIndex(DataPath.Parse("/dinosaurs"), ".value"));
        Assert.True(rules.HasIndex(DataPath.Parse("/scores"), ".value"));
        Assert.True(rules.HasIndex(DataPath.Parse("/users/alice/posts"), "time"));
        Assert.False(rules.HasIndex(DataPath.Parse("/users/alice"), "time"));
        Assert.False(rules.HasIndex(DataPath.Parse("/nowhere"), "time"));
        Assert.True(rules.HasIndexFor(DataPath.Parse("/nowhere"), Query.QueryTestHelpers.Spec("orderBy=\"$key\"&limitToFirst=1")));
        Assert.False(rules.HasIndexFor(DataPath.Parse("/scores"), Query.QueryTestHelpers.Spec("orderBy=\"weight\"&limitToFirst=1")));
        Assert.True(rules.HasIndexFor(DataPath.Parse("/scores"), Query.QueryTestHelpers.Spec("orderBy=\"$value\"")));
        Assert.Equal(
            "Index not defined, add \".indexOn\": \"weight\", for path \"/dinosaurs\", to the rules",
            RuleSet.IndexNotDefinedMessage(DataPath.Parse("/dinosaurs"), "weight"));
    }
}
