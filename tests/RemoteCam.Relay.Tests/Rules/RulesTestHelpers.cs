using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Rules;

namespace RemoteCam.Relay.Tests.Rules;

public enum Outcome
{
    Allow,
    Deny,
    Invalid,
}

internal static class RulesTestHelpers
{
    public const long Now = 1_000;

    public static RulesPolicy Policy(string rulesJson)
    {
        Assert.True(RuleSet.TryLoad(rulesJson, out RuleSet? rules, out RuleLoadError? error), error?.ToString());
        return new RulesPolicy(rules!);
    }

    /// <summary>A signed-in user (uid non-null) with optional claims JSON, or the signed-out identity.</summary>
    public static Identity Who(string? uid, string? claims = null) =>
        uid is null
            ? Identity.Anonymous
            : new Identity(false, uid, "password", claims is null ? null : JsonDocument.Parse(claims).RootElement.Clone());

    public static Node? Json(string? json) => string.IsNullOrEmpty(json) ? null : JsonTree.Parse(json);

    public static bool Write(RulesPolicy policy, Identity who, string path, string? rootJson, string? valueJson)
    {
        var root = Json(rootJson);
        var at = DataPath.Parse(path);
        return policy.CanWrite(who, at, root, Tree.Set(root, at, Json(valueJson)), Now);
    }

    public static bool Read(RulesPolicy policy, Identity who, string path, string? rootJson) =>
        policy.CanRead(who, DataPath.Parse(path), Json(rootJson), Now);
}
