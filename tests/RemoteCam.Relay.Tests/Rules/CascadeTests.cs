using static RemoteCam.Relay.Tests.Rules.RulesTestHelpers;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>Firebase "Understand Security Rules": .read/.write cascade down, never up, and rules are not filters.</summary>
public sealed class CascadeTests
{
    private const string Rules = """
        {
          "rules": {
            "open": {
              ".read": true,
              ".write": true,
              "locked": { ".read": false, ".write": false }
            },
            "closed": {
              ".read": false,
              ".write": false,
              "public": { ".read": true, ".write": true }
            },
            "users": {
              "$uid": {
                ".read": "auth != null && auth.uid == $uid",
                ".write": "auth != null && auth.uid == $uid",
                "profile": { ".read": true }
              },
              "admin": { ".write": "auth.token.admin == true" }
            }
          }
        }
        """;

    /// <summary>(operation r|w, path, uid, value written) → allowed.</summary>
    public static TheoryData<string, string, string?, bool> Operations => new()
    {
        // A grant at the parent overrides a deny at the child.
        { "r", "/open/locked", null, true },
        { "w", "/open/locked/x", null, true },
        // A deny at the parent with a grant at the child allows the child only.
        { "r", "/closed/public", null, true },
        { "r", "/closed/public/deep/er", null, true },
        { "w", "/closed/public", null, true },
        { "r", "/closed", null, false },
        { "w", "/closed", null, false },
        { "r", "/closed/other", null, false },
        // Reading a parent fails when only the children are readable.
        { "r", "/users", "alice", false },
        { "r", "/users/alice", "alice", true },
        { "r", "/users/alice", "bob", false },
        { "r", "/users/bob/profile", "alice", true },
        { "r", "/users/bob/profile/name", null, true },
        { "w", "/users/alice/name", "alice", true },
        { "w", "/users/alice/name", "bob", false },
        // Writing a parent is denied even when every child is writable.
        { "w", "/users", "alice", false },
        // Nothing at all above the path: denied.
        { "r", "/", null, false },
        { "r", "/nowhere/x", null, false },
        { "w", "/nowhere", null, false },
        // A named key takes its own rules, not the wildcard's.
        { "w", "/users/admin", "admin", false },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void Cascades(string operation, string path, string? uid, bool expected)
    {
        var policy = Policy(Rules);
        var allowed = operation == "r" ? Read(policy, Who(uid), path, null) : Write(policy, Who(uid), path, null, "1");
        Assert.Equal(expected, allowed);
    }

    [Fact]
    public void NamedKeyUsesItsOwnRules()
    {
        var policy = Policy(Rules);
        Assert.True(Write(policy, Who("x", """{"admin":true}"""), "/users/admin", null, "1"));
        Assert.False(Write(policy, Who("alice"), "/users/admin", null, "1"));
    }

    [Fact]
    public void WriteRulesSeeDataAndNewDataAtTheirOwnLocation()
    {
        var policy = Policy("""{"rules": {"counters": {".write": "newData.child('a').val() == data.child('a').val() + 1"}}}""");
        Assert.True(Write(policy, Who(null), "/counters/a", """{"counters":{"a":1}}""", "2"));
        Assert.False(Write(policy, Who(null), "/counters/a", """{"counters":{"a":1}}""", "3"));
    }
}
