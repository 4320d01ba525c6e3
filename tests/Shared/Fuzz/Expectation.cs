namespace RemoteCam.Fuzz;

/// <summary>The statuses a request may get, and for an error the exact message it must carry (null: any).</summary>
internal sealed record Expectation(int[] Statuses, string? Error = null)
{
    /// <summary>A request whose access the rules in force decide: allowed, or <c>401 Permission denied</c>.</summary>
    public static readonly Expectation OkOrDenied = new([200, 401], "Permission denied");

    /// <summary>Why <paramref name="status"/> with <paramref name="error"/> does not meet this expectation, or null when it does.</summary>
    public string? Problem(int status, string? error)
    {
        if (!Statuses.Contains(status))
        {
            return $"expected {string.Join(" or ", Statuses)}, got {status}";
        }

        return status >= 400 && Error is not null && error != Error ? $"expected the error \"{Error}\", got \"{error}\"" : null;
    }
}
