using System.Text;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Rules;

using static RemoteCam.Relay.Tests.Rules.RulesTestHelpers;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>Rules files are untrusted: loading never throws anything but a positioned error, evaluation never throws.</summary>
public sealed class FuzzTests
{
    private const string Seed = """
        {
          // comment
          "rules": {
            ".read": "auth != null && root.child('users/' + auth.uid + '/active').val() == true",
            "users": {
              "$uid": {
                ".write": "auth.uid == $uid && (!data.exists() || newData.hasChildren(['name', 'age']))",
                ".validate": "newData.child('name').isString() && newData.child('name').val().matches(/^[a-z]+$/i)",
                "age": { ".validate": "newData.isNumber() && newData.val() >= 0 && newData.val() < 150 ? true : false" },
                ".indexOn": ["age", ".value"]
              }
            }
          }
        }
        """;

    private static readonly string[] Fragments =
    [
        "auth", "now", "root", "data", "newData", "query", "$uid", "$x", "true", "false", "null", "1", "2.5", "'s'", "\"t\"",
        "/a+/i", "/(/", ".val()", ".child('a')", ".child(", ".parent()", ".exists()", ".length", ".uid", ".token", "[0]", "['k']",
        " + ", " - ", " * ", " / ", " % ", " == ", " === ", " != ", " < ", " >= ", " && ", " || ", " ? ", " : ", "!", "-", "(", ")",
        "[", "]", ",", ".matches(", ".hasChildren([", ".replace('a', 'b')", ".contains('x')", "\\", "'", "\n", "{", "}",
    ];

    [Fact]
    public void MutatedRuleFilesOnlyFailWithPositionedErrors()
    {
        var random = new Random(12345);
        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(Seed, random);
            var loaded = RuleSet.TryLoad(text, out RuleSet? rules, out RuleLoadError? error);
            if (!loaded)
            {
                Assert.NotNull(error);
                Assert.InRange(error.Line, 1, text.Count(c => c == '\n') + 2);
                Assert.True(error.Column >= 1);
                Assert.StartsWith("Error saving rules - Line ", error.FirebaseMessage, StringComparison.Ordinal);
            }
            else
            {
                Exercise(new RulesPolicy(rules!));
            }
        }
    }

    [Fact]
    public void RandomExpressionsNeverThrow()
    {
        var random = new Random(4242);
        var loaded = 0;
        for (var i = 0; i < 5000; i++)
        {
            var expression = new StringBuilder();
            var count = random.Next(1, 12);
            for (var j = 0; j < count; j++)
            {
                expression.Append(Fragments[random.Next(Fragments.Length)]);
            }

            var text = """{"rules": {"users": {"$uid": {".read": """ + System.Text.Json.JsonSerializer.Serialize(expression.ToString())
                + ", \".write\": " + System.Text.Json.JsonSerializer.Serialize(expression.ToString()) + "}}}}";
            if (RuleSet.TryLoad(text, out RuleSet? rules, out RuleLoadError? error))
            {
                loaded++;
                Exercise(new RulesPolicy(rules!));
            }
            else
            {
                Assert.NotNull(error);
            }
        }

        Assert.True(loaded > 0);
    }

    [Theory]
    [InlineData(10_000)]
    public void DeeplyNestedInputIsRefusedNotOverflowed(int depth)
    {
        var parens = """{"rules": {".read": " """ + new string('(', depth) + "true" + new string(')', depth) + "\"}}";
        Assert.False(RuleSet.TryLoad(parens, out RuleSet? _, out string _));
        var nots = """{"rules": {".read": " """ + new string('!', depth) + "true\"}}";
        Assert.False(RuleSet.TryLoad(nots, out RuleSet? _, out string _));
        var chain = """{"rules": {".read": " """ + string.Concat(Enumerable.Repeat("true && ", depth)) + "true\"}}";
        Assert.False(RuleSet.TryLoad(chain, out RuleSet? _, out string _));
        var objects = """{"rules": """ + string.Concat(Enumerable.Repeat("""{"a": """, depth)) + "{}" + new string('}', depth + 1);
        Assert.False(RuleSet.TryLoad(objects, out RuleSet? _, out string _));
    }

    [Fact]
    public void CatastrophicRegexIsBoundedAndFalse()
    {
        var policy = Policy("""{"rules": {".write": "newData.val().matches(/^(a+)+$/)"}}""");
        Assert.False(Write(policy, Who(null), "/x", null, "\"" + new string('a', 40) + "!\""));
    }

    private static void Exercise(RulesPolicy policy)
    {
        var root = Json("""{"users":{"alice":{"name":"Al","age":30,"active":true}}}""");
        foreach (var who in new[] { Who(null), Who("alice", """{"admin":true}""") })
        {
            policy.CanRead(who, DataPath.Parse("/users/alice"), root, Now);
            policy.CanRead(who, DataPath.Root, root, Now);
            policy.CanWrite(who, DataPath.Parse("/users/alice"), root, Tree.Set(root, DataPath.Parse("/users/alice"), Json("""{"name":"b","age":"x"}""")), Now);
            policy.CanWrite(who, DataPath.Parse("/users/bob/age"), root, null, Now);
        }
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(3))
            {
                case 0 when at < text.Length:
                    text.Remove(at, Math.Min(random.Next(1, 6), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                default:
                    text.Insert(at, (char)random.Next(0, 128));
                    break;
            }
        }

        return text.ToString();
    }
}
