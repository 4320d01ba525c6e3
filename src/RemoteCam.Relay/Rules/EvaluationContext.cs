using System.Diagnostics;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// Everything one access decision evaluates rules against: the variables that do not depend on
/// the rule's location, and the step/time budget shared by all the rules of the decision.
/// </summary>
internal sealed class EvaluationContext(object? auth, long nowMs, Node? root, Node? newRoot, object? query)
{
    /// <summary>At most this many expression nodes are evaluated per decision.</summary>
    public const int MaxSteps = 200_000;

    /// <summary>And for at most this long.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromMilliseconds(250);

    private readonly long _started = Stopwatch.GetTimestamp();
    private int _steps;

    public object? Auth { get; } = auth;

    public double Now { get; } = nowMs;

    public Node? Root { get; } = root;

    public Node? NewRoot { get; } = newRoot;

    public object? Query { get; } = query;

    public void Step()
    {
        _steps++;
        if (_steps > MaxSteps || ((_steps & 1023) == 0 && Stopwatch.GetElapsedTime(_started) > MaxTime))
        {
            _steps = MaxSteps + 1;
            throw new RuleBudgetException();
        }
    }
}

/// <summary>Where a rule is evaluated: its location and the <c>$wildcard</c> captures above it.</summary>
internal sealed record RuleLocation(DataPath Path, IReadOnlyDictionary<string, string> Wildcards);
