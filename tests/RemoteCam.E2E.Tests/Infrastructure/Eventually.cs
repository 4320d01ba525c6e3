namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>Waiting for a condition with a deadline: tests never assert after a fixed sleep.</summary>
internal static class Eventually
{
    /// <summary>How often a condition is checked again.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the probed value and returns that value;
    /// fails with <paramref name="describe"/> of the last value once <paramref name="within"/> has passed.
    /// </summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<T, Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Not within {within.TotalSeconds:0} s: {await describe(value)}");
            }

            await Task.Delay(PollInterval);
        }
    }
}
