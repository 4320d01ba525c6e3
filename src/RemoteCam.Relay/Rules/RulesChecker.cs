namespace RemoteCam.Relay.Rules;

/// <summary>
/// The relay's load-time checks of a <c>database.rules.json</c>, for tools that check a file
/// before deploying it (<c>remotecam rules check</c>): the same parser, type checker and messages
/// as <c>PUT /.settings/rules.json</c> and <c>--rules</c>. The rest of the rules engine stays internal.
/// </summary>
public static class RulesChecker
{
    /// <summary>Null when the relay would accept <paramref name="text"/>; else why not, with the rule's path, line and column.</summary>
    public static RuleLoadError? Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return RuleSet.TryLoad(text, out RuleSet? _, out RuleLoadError? error) ? null : error;
    }
}
