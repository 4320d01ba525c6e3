using System.Text;
using System.Text.Json;

namespace RemoteCam.Fuzz;

/// <summary>What the relay must do with a generated rules text.</summary>
internal enum RulesVerdict
{
    /// <summary>Well-formed by construction: accepted.</summary>
    Valid,

    /// <summary>Broken by construction (cut short, an unknown variable, two wildcards, …): refused with a 400.</summary>
    Broken,

    /// <summary>Mangled at random: either, but a refusal must leave the rules in force.</summary>
    Unknown,
}

/// <summary>
/// Generated <c>database.rules.json</c> texts: trees of named children and one wildcard per
/// level, with <c>.read</c>/<c>.write</c>/<c>.validate</c> expressions built from atoms that are
/// valid where they are used, and <c>.indexOn</c>; then, for the broken ones, one defect of a
/// known kind, or random damage.
/// </summary>
internal static class FuzzRules
{
    private static readonly string[] Keys = ["rooms", "users", "flags", "a", "b", "calls", "stills", "x-1", "ü"];

    private static readonly string[] ReadAtoms =
    [
        "true", "false", "auth != null", "auth == null", "auth.uid == 'fuzz-1'", "data.exists()", "data.val() == 'x'",
        "data.child('a').exists()", "data.hasChildren()", "data.hasChildren(['a', 'b'])", "root.child('flags/open').val() == true",
        "now > 1000", "data.isString()", "data.isNumber() && data.val() > 3", "auth.token.firebase.sign_in_provider == 'anonymous'",
        "root.child('users').hasChild('fuzz-2')", "data.child('n').val() < now",
    ];

    private static readonly string[] WriteAtoms =
    [
        "newData.exists()", "!newData.exists()", "newData.isString() && newData.val().length < 100", "newData.isNumber() && newData.val() >= 0",
        "newData.hasChildren(['v'])", "data.val() == null", "newData.child('v').val() == 1", "newData.isBoolean()",
        "newData.child('at').val() == now", "newData.val() != data.val()",
    ];

    private static readonly string[] WildcardAtoms =
        ["$W == auth.uid", "$W.length < 40", "$W.matches(/^[a-z0-9-]+$/)", "$W.beginsWith('fuzz')", "$W.contains('-')", "root.child('users').child($W).exists()"];

    private static readonly string[] Defects =
    [
        "foo == 1", "(auth != null", "auth != null)", "1 + 2", "'text'", "data.val() ==", "auth.uid.exists()", "$nowhere == 'x'",
        "data.child().exists()", "root.child('a').val(1)", "&& true", "data.val() == /[/",
    ];

    public static (string Text, RulesVerdict Verdict) Any(Random random)
    {
        var valid = Valid(random);
        return random.Next(10) switch
        {
            < 4 => (valid, RulesVerdict.Valid),
            < 8 => (Broken(random, valid), RulesVerdict.Broken),
            _ => (Mangle(random, valid), RulesVerdict.Unknown),
        };
    }

    public static string Valid(Random random)
    {
        var rules = Node(random, 0, null, []);
        var text = JsonSerializer.Serialize(new Dictionary<string, object> { ["rules"] = rules }, new JsonSerializerOptions { WriteIndented = random.Next(2) == 0 });
        // Firebase's rules files may have comments.
        return random.Next(5) == 0 ? "/* generated */\n" + text : text;
    }

    private static Dictionary<string, object> Node(Random random, int depth, string? wildcard, List<string> wildcards)
    {
        var node = new Dictionary<string, object>();
        if (random.Next(3) != 0)
        {
            node[".read"] = Rule(random, ReadAtoms, wildcards);
        }

        if (random.Next(3) != 0)
        {
            node[".write"] = Rule(random, [.. ReadAtoms, .. WriteAtoms], wildcards);
        }

        if (random.Next(4) == 0)
        {
            node[".validate"] = Expression(random, [.. ReadAtoms, .. WriteAtoms], wildcards);
        }

        if (random.Next(4) == 0)
        {
            node[".indexOn"] = random.Next(2) == 0 ? (object)"n" : new[] { "n", "at", ".value" }.Take(random.Next(1, 4)).ToArray();
        }

        if (depth < 4)
        {
            foreach (var key in Keys.OrderBy(_ => random.Next()).Take(random.Next(0, 3)))
            {
                node[key] = Node(random, depth + 1, wildcard, wildcards);
            }

            if (random.Next(3) == 0)
            {
                var name = "$w" + depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
                node[name] = Node(random, depth + 1, name, [.. wildcards, name]);
            }
        }

        return node;
    }

    /// <summary>A boolean or an expression string (Firebase accepts both).</summary>
    private static object Rule(Random random, string[] atoms, List<string> wildcards) =>
        random.Next(5) == 0 ? random.Next(2) == 0 : Expression(random, atoms, wildcards);

    private static string Expression(Random random, string[] atoms, List<string> wildcards)
    {
        string Atom()
        {
            if (wildcards.Count > 0 && random.Next(3) == 0)
            {
                return WildcardAtoms[random.Next(WildcardAtoms.Length)].Replace("$W", wildcards[random.Next(wildcards.Count)], StringComparison.Ordinal);
            }

            return atoms[random.Next(atoms.Length)];
        }

        var expression = Atom();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            expression = random.Next(4) switch
            {
                0 => $"({expression}) && {Atom()}",
                1 => $"{expression} || ({Atom()})",
                2 => $"!({expression})",
                _ => $"({expression}) ? {Atom()} : {Atom()}",
            };
        }

        return expression;
    }

    /// <summary>A valid text with one defect that makes the whole file invalid.</summary>
    private static string Broken(Random random, string valid)
    {
        switch (random.Next(9))
        {
            case 0:
                return valid[..random.Next(1, valid.Length - 1)];
            case 1:
                return Pick(random, ["", "null", "42", "[]", "\"rules\"", "{}", "not json", "{\"rules\": []}", "{\"rules\": \"true\"}"]);
            case 2:
                return "{\"rules\": {\".read\": \"" + Pick(random, Defects) + "\"}}";
            case 3:
                return "{\"rules\": {\"a\": {\".write\": \"" + Pick(random, Defects) + "\"}}}";
            case 4:
                return "{\"rules\": {\"$a\": {}, \"$b\": {}}}";
            case 5:
                return "{\"rules\": {\"$a\": {\"$a\": {}}}}";
            case 6:
                return "{\"rules\": {\".reed\": true}}";
            case 7:
                return "{\"rules\": {}, \"extra\": 1}";
            default:
                return "{\"rules\": {\".read\": \"newData.exists()\", \".indexOn\": 5}}";
        }
    }

    /// <summary>Random damage: bytes flipped, a slice removed or repeated, junk inserted, or far too big.</summary>
    private static string Mangle(Random random, string valid)
    {
        var builder = new StringBuilder(valid);
        switch (random.Next(5))
        {
            case 0:
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    builder[random.Next(builder.Length)] = (char)random.Next(0x20, 0x7F);
                }

                break;
            case 1:
                var start = random.Next(builder.Length);
                builder.Remove(start, random.Next(0, Math.Min(20, builder.Length - start)));
                break;
            case 2:
                var at = random.Next(builder.Length);
                builder.Insert(at, valid.AsSpan(at, Math.Min(15, valid.Length - at)));
                break;
            case 3:
                builder.Insert(random.Next(builder.Length), Pick(random, ["\u0000", "\\u0000", "//", "/*", "\"\"", ",", "{", "ü", "\\", "$"]));
                break;
            default:
                builder.Append(' ', 300 * 1024);
                break;
        }

        return builder.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
