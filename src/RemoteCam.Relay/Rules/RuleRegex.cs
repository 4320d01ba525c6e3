using System.Text.RegularExpressions;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// A regex literal for <c>string.matches(/…/)</c>. Firebase ("Security Rules reference",
/// string.matches) documents a subset of JavaScript regexes whose only flag is <c>i</c>; we compile
/// with ECMAScript semantics (which itself refuses lookbehind, named groups and other .NET-only
/// syntax) and a match timeout, since the pattern comes from an untrusted rules file.
/// </summary>
internal sealed class RuleRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private RuleRegex(string source, Regex regex)
    {
        Source = source;
        Regex = regex;
    }

    public string Source { get; }

    public Regex Regex { get; }

    public static RuleRegex Create(string pattern, string flags, int offset)
    {
        var options = RegexOptions.ECMAScript | RegexOptions.CultureInvariant;
        foreach (var flag in flags)
        {
            if (flag != 'i' || (options & RegexOptions.IgnoreCase) != 0)
            {
                throw new RuleSyntaxException($"Invalid regular expression flag '{flag}'; only 'i' is supported.", offset);
            }

            options |= RegexOptions.IgnoreCase;
        }

        if (pattern.Length == 0)
        {
            throw new RuleSyntaxException("Empty regular expression.", offset);
        }

        try
        {
            return new RuleRegex($"/{pattern}/{flags}", new Regex(pattern, options, MatchTimeout));
        }
        catch (ArgumentException e)
        {
            throw new RuleSyntaxException($"Invalid regular expression: {e.Message}", offset);
        }
    }

    /// <summary>Runs the regex; a timeout is a runtime error (so the rule is false).</summary>
    public bool IsMatch(string input)
    {
        try
        {
            return Regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new RuleRuntimeException("Regular expression took too long.");
        }
    }
}
