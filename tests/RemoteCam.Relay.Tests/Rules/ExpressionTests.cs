using RemoteCam.Relay.Data;
using RemoteCam.Relay.Rules;

using static RemoteCam.Relay.Tests.Rules.RulesTestHelpers;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// One rule installed as <c>.write</c> at <c>/rules/items/$id</c> (or <c>.read</c>), applied to
/// <c>/items/alice</c>: (expression, auth uid, claims, root data, new value at /items/alice) → outcome.
/// </summary>
public sealed class ExpressionTests
{
    private const string Users = """{"users":{"alice":{"active":true},"bob":{"active":false}}}""";

    public static TheoryData<string, string?, string?, string?, string?, Outcome> WriteRules => new()
    {
        // Firebase docs examples.
        { "auth != null && auth.uid == $id", "alice", null, null, "1", Outcome.Allow },
        { "auth != null && auth.uid == $id", "bob", null, null, "1", Outcome.Deny },
        { "auth != null && auth.uid == $id", null, null, null, "1", Outcome.Deny },
        { "newData.isString() && newData.val().length < 100", null, null, null, "\"hi\"", Outcome.Allow },
        { "newData.isString() && newData.val().length < 100", null, null, null, "5", Outcome.Deny },
        { "newData.isString() && newData.val().length < 100", null, null, null, "\"" + new string('x', 100) + "\"", Outcome.Deny },
        { "root.child('users/' + auth.uid + '/active').val() == true", "alice", null, Users, "1", Outcome.Allow },
        { "root.child('users/' + auth.uid + '/active').val() == true", "bob", null, Users, "1", Outcome.Deny },
        { "root.child('users/' + auth.uid + '/active').val() == true", null, null, Users, "1", Outcome.Deny },
        { "!data.exists() || !newData.exists()", null, null, null, "1", Outcome.Allow },
        { "!data.exists() || !newData.exists()", null, null, """{"items":{"alice":1}}""", "2", Outcome.Deny },
        { "!data.exists() || !newData.exists()", null, null, """{"items":{"alice":1}}""", null, Outcome.Allow },
        { "newData.hasChildren(['name', 'age'])", null, null, null, """{"name":"a","age":3}""", Outcome.Allow },
        { "newData.hasChildren(['name', 'age'])", null, null, null, """{"name":"a"}""", Outcome.Deny },
        { "newData.hasChildren()", null, null, null, """{"name":"a"}""", Outcome.Allow },
        { "newData.hasChildren()", null, null, null, "5", Outcome.Deny },
        { "newData.val() <= now", null, null, null, "999", Outcome.Allow },
        { "newData.val() <= now", null, null, null, "1001", Outcome.Deny },
        { "newData.val() <= now", null, null, null, "\"999\"", Outcome.Deny },
        { "newData.val().matches(/^foo/i)", null, null, null, "\"FOObar\"", Outcome.Allow },
        { "newData.val().matches(/^foo/i)", null, null, null, "\"barfoo\"", Outcome.Deny },
        { "newData.val().matches(/^foo/i)", null, null, null, "5", Outcome.Deny },
        { "newData.val().matches(/^\\d{3}-\\d{4}$/)", null, null, null, "\"555-1234\"", Outcome.Allow },

        // Literals and operators: all equality is strict, relations need two numbers or two strings.
        { "true", null, null, null, "1", Outcome.Allow },
        { "false", null, null, null, "1", Outcome.Deny },
        { "1 + 2 == 3", null, null, null, "1", Outcome.Allow },
        { "'a' + 'b' == \"ab\"", null, null, null, "1", Outcome.Allow },
        { "'a' + 1 == 'a1'", null, null, null, "1", Outcome.Allow },
        { "'a' + 1.5 == 'a1.5'", null, null, null, "1", Outcome.Allow },
        { "10 % 3 == 1 && 7 / 2 == 3.5 && 2 * 3 === 6 && 5 - 7 == -2", null, null, null, "1", Outcome.Allow },
        { "-(1) == -1 && !false && !!true", null, null, null, "1", Outcome.Allow },
        { "1 + 2 * 3 == 7 && (1 + 2) * 3 == 9", null, null, null, "1", Outcome.Allow },
        { "1 !== '1' && 1 != '1'", null, null, null, "1", Outcome.Allow },
        { "1 == '1'", null, null, null, "1", Outcome.Deny },
        { "true == 1", null, null, null, "1", Outcome.Deny },
        { "null == null && null === null", null, null, null, "1", Outcome.Allow },
        { "'a' < 'b' && 'B' < 'a' && 2 > 1 && 2 >= 2 && 1 <= 1", null, null, null, "1", Outcome.Allow },
        { "newData.val() < 'b'", null, null, null, "1", Outcome.Deny },
        { "false || true", null, null, null, "1", Outcome.Allow },
        { "true ? false : true", null, null, null, "1", Outcome.Deny },
        { "false ? false : true", null, null, null, "1", Outcome.Allow },
        { "true || newData.val().length > 0", null, null, null, "1", Outcome.Allow },
        { "false && newData.val().length > 0", null, null, null, "1", Outcome.Deny },
        { "newData.val() && true", null, null, null, "\"x\"", Outcome.Deny },
        { "newData.val() && true", null, null, null, "true", Outcome.Allow },
        { "newData.val()", null, null, null, "true", Outcome.Allow },
        { "newData.val()", null, null, null, "1", Outcome.Deny },
        { "'it\\'s' == \"it's\" && '\\u0041' == 'A' && 'a\\nb'.length == 3", null, null, null, "1", Outcome.Allow },
        { "1e3 == 1000 && .5 == 0.5", null, null, null, "1", Outcome.Allow },

        // $wildcards are strings.
        { "$id == 'alice'", null, null, null, "1", Outcome.Allow },
        { "$id == 1", null, null, null, "1", Outcome.Deny },
        { "$id.length == 5 && $id.beginsWith('al')", null, null, null, "1", Outcome.Allow },

        // String members.
        { "'Hello'.toLowerCase() == 'hello' && 'hello'.toUpperCase() == 'HELLO'", null, null, null, "1", Outcome.Allow },
        { "'a.b.c'.replace('.', '-') == 'a-b-c'", null, null, null, "1", Outcome.Allow },
        { "'hello'.beginsWith('he') && 'hello'.endsWith('lo') && 'hello'.contains('ell')", null, null, null, "1", Outcome.Allow },
        { "'hello'.contains('xyz')", null, null, null, "1", Outcome.Deny },
        { "'h\u00e9llo'.length == 5", null, null, null, "1", Outcome.Allow },
        { "'abc'.matches(/^ABC$/)", null, null, null, "1", Outcome.Deny },
        { "'abc'.matches(/b/)", null, null, null, "1", Outcome.Allow },
        { "'a/b'.matches(/a[/]b/)", null, null, null, "1", Outcome.Allow },

        // Snapshot methods.
        { "data.child('a/b').val() == 1 && data.hasChild('a/b') && !data.hasChild('a/c')", null, null, """{"items":{"alice":{"a":{"b":1}}}}""", "1", Outcome.Allow },
        { "data.parent().child('bob').exists()", null, null, """{"items":{"bob":1}}""", "1", Outcome.Allow },
        { "data.parent().child('bob').exists()", null, null, null, "1", Outcome.Deny },
        { "newData.child('s').isString() && newData.child('n').isNumber() && newData.child('b').isBoolean()", null, null, null, """{"s":"x","n":1,"b":false}""", Outcome.Allow },
        { "newData.child('s').isNumber()", null, null, null, """{"s":"x"}""", Outcome.Deny },
        { "newData.getPriority() == 5", null, null, null, """{".value":1,".priority":5}""", Outcome.Allow },
        { "newData.getPriority() == null", null, null, null, "1", Outcome.Allow },
        { "newData.val() == null", null, null, null, """{"a":1}""", Outcome.Deny },
        { "newData.val() != null", null, null, null, """{"a":1}""", Outcome.Allow },
        { "data.val() == null && !data.exists()", null, null, null, "1", Outcome.Allow },
        { "newData.val() == data.val() + 1", null, null, """{"items":{"alice":41}}""", "42", Outcome.Allow },
        { "root.child('users').child('alice').child('active').val() === true", null, null, Users, "1", Outcome.Allow },

        // auth and claims.
        { "auth.token.admin == true", "alice", """{"admin":true}""", null, "1", Outcome.Allow },
        { "auth.token.admin == true", "alice", null, null, "1", Outcome.Deny },
        { "auth.token.firebase.sign_in_provider == 'anonymous'", "a", """{"firebase":{"sign_in_provider":"anonymous"}}""", null, "1", Outcome.Allow },
        { "auth.token['email_verified'] == true", "a", """{"email_verified":true}""", null, "1", Outcome.Allow },
        { "auth.token.firebase.identities['email'][0] == 'a@b.c'", "a", """{"firebase":{"identities":{"email":["a@b.c"]}}}""", null, "1", Outcome.Allow },
        { "auth.provider == 'password' && auth.uid.length == 1", "a", null, null, "1", Outcome.Allow },

        // Run-time errors make the rule false.
        { "data.val().length > 0", null, null, null, "1", Outcome.Deny },
        { "newData.val() - 1 == 0", null, null, null, "\"1\"", Outcome.Deny },
        { "root.parent().exists()", null, null, null, "1", Outcome.Deny },
        { "data.child('a.b').exists() || true", null, null, null, "1", Outcome.Deny },
        { "auth.uid == 'x'", null, null, null, "1", Outcome.Deny },
        { "newData.val().contains('x')", null, null, null, """{"a":"x"}""", Outcome.Deny },

        // Refused at load: not boolean, unknown names, wrong arguments.
        { "1 + 2", null, null, null, "1", Outcome.Invalid },
        { "'yes'", null, null, null, "1", Outcome.Invalid },
        { "data", null, null, null, "1", Outcome.Invalid },
        { "data.exists", null, null, null, "1", Outcome.Invalid },
        { "true ? 1 : 2", null, null, null, "1", Outcome.Invalid },
        { "foo == 1", null, null, null, "1", Outcome.Invalid },
        { "$other == 'x'", null, null, null, "1", Outcome.Invalid },
        { "query.orderByKey", null, null, null, "1", Outcome.Invalid },
        { "data.child()", null, null, null, "1", Outcome.Invalid },
        { "data.child(1).exists()", null, null, null, "1", Outcome.Invalid },
        { "data.child('a', 'b').exists()", null, null, null, "1", Outcome.Invalid },
        { "data.foo()", null, null, null, "1", Outcome.Invalid },
        { "data.val().length() > 1", null, null, null, "1", Outcome.Invalid },
        { "'abc'.contains()", null, null, null, "1", Outcome.Invalid },
        { "'abc'.matches('a')", null, null, null, "1", Outcome.Invalid },
        { "'abc'.matches(/a/g)", null, null, null, "1", Outcome.Invalid },
        { "'abc'.matches(/(/)", null, null, null, "1", Outcome.Invalid },
        { "data == newData", null, null, null, "1", Outcome.Invalid },
        { "newData.hasChildren('a')", null, null, null, "1", Outcome.Invalid },
        { "newData.hasChildren([1])", null, null, null, "1", Outcome.Invalid },
        { "1 - 'a' == 0", null, null, null, "1", Outcome.Invalid },
        { "true && 'x'", null, null, null, "1", Outcome.Invalid },
        { "!1", null, null, null, "1", Outcome.Invalid },
        { "auth.uid = 'x'", null, null, null, "1", Outcome.Invalid },
        { "(true", null, null, null, "1", Outcome.Invalid },
        { "true true", null, null, null, "1", Outcome.Invalid },
        { "'unterminated", null, null, null, "1", Outcome.Invalid },
        { "", null, null, null, "1", Outcome.Invalid },
        { "now()", null, null, null, "1", Outcome.Invalid },
        { "auth.foo() == 1", null, null, null, "1", Outcome.Invalid },
    };

    [Theory]
    [MemberData(nameof(WriteRules))]
    public void WriteRule(string expression, string? uid, string? claims, string? root, string? newValue, Outcome expected)
    {
        var rules = """{"rules": {"items": {"$id": {".write": """ + System.Text.Json.JsonSerializer.Serialize(expression) + "}}}}";
        Assert.Equal(expected, Decide(rules, policy => Write(policy, Who(uid, claims), "/items/alice", root, newValue)));
    }

    public static TheoryData<string, string?, string?, string, Outcome> ReadRules => new()
    {
        { "auth != null", "a", null, "", Outcome.Allow },
        { "auth != null", null, null, "", Outcome.Deny },
        { "data.child('public').val() == true", null, """{"items":{"alice":{"public":true}}}""", "", Outcome.Allow },
        { "newData.exists()", null, null, "", Outcome.Invalid },
        { "query.orderByKey == false && query.orderByChild == null && query.limitToFirst == null", null, null, "", Outcome.Allow },
        { "query.orderByChild == 'owner' && query.equalTo == auth.uid", "alice", null, "orderBy=\"owner\"&equalTo=\"alice\"", Outcome.Allow },
        { "query.orderByChild == 'owner' && query.equalTo == auth.uid", "alice", null, "orderBy=\"owner\"&equalTo=\"bob\"", Outcome.Deny },
        { "query.orderByKey && query.limitToFirst <= 10", null, null, "orderBy=\"$key\"&limitToFirst=10", Outcome.Allow },
        { "query.orderByKey && query.limitToFirst <= 10", null, null, "orderBy=\"$key\"&limitToFirst=50", Outcome.Deny },
        { "query.orderByValue && query.startAt == 1 && query.endAt == 'z'", null, null, "orderBy=\"$value\"&startAt=1&endAt=\"z\"", Outcome.Allow },
        { "query.orderByPriority && query.limitToLast == 2", null, null, "orderBy=\"$priority\"&limitToLast=2", Outcome.Allow },
    };

    [Theory]
    [MemberData(nameof(ReadRules))]
    public void ReadRule(string expression, string? uid, string? root, string query, Outcome expected)
    {
        var rules = """{"rules": {"items": {"$id": {".read": """ + System.Text.Json.JsonSerializer.Serialize(expression) + "}}}}";
        var spec = query.Length == 0 ? null : Query.QueryTestHelpers.Spec(query);
        Assert.Equal(expected, Decide(rules, policy => policy.CanRead(Who(uid), DataPath.Parse("/items/alice"), Json(root), Now, spec)));
    }

    private static Outcome Decide(string rules, Func<RulesPolicy, bool> decision)
    {
        if (!RuleSet.TryLoad(rules, out RuleSet? set, out string _))
        {
            return Outcome.Invalid;
        }

        return decision(new RulesPolicy(set!)) ? Outcome.Allow : Outcome.Deny;
    }
}
