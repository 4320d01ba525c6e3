using System.Text.Json;
using System.Text.RegularExpressions;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// database.rules.json is made from rules/database.rules.template.json and rules/fragments.json by
/// <c>npm run rules</c> (rules/build.mjs); this renders the template again, independently of that
/// script, and compares.
/// </summary>
public sealed partial class RulesTemplateTests
{
    private const string Header = "// Generated from rules/database.rules.template.json by `npm run rules`: edit the template, not this file.\n";

    [Fact]
    public void The_rules_file_is_what_the_template_makes()
    {
        var rulesFile = RoomRulesFixture.RepositoryRulesFile();
        var folder = Path.Combine(Path.GetDirectoryName(rulesFile)!, "rules");
        var fragments = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(folder, "fragments.json")))!;
        var expected = Header + Expand(File.ReadAllText(Path.Combine(folder, "database.rules.template.json")), fragments, 0);
        Assert.True(
            expected == File.ReadAllText(rulesFile),
            "database.rules.json is not what rules/database.rules.template.json makes: edit the template and run `npm run rules`.");
        Assert.DoesNotContain("{{", expected, StringComparison.Ordinal);
    }

    private static string Expand(string text, Dictionary<string, string> fragments, int depth)
    {
        Assert.True(depth < 8, "fragments nest too deep");
        return Placeholder().Replace(text, m => Expand(fragments[m.Groups[1].Value], fragments, depth + 1));
    }

    [GeneratedRegex(@"\{\{([a-z]+)\}\}")]
    private static partial Regex Placeholder();
}
