namespace RemoteCam.Bench;

/// <summary>
/// Issues writes at a fixed rate from a dedicated thread: every write whose scheduled time (<c>k / rate</c>) has
/// come is started, then the thread sleeps ~1 ms. Writes are never awaited by the pacer, so a slow response never
/// delays the next write.
/// </summary>
internal static class Pacer
{
    /// <summary>Runs until <paramref name="total"/> writes were started; returns the tasks and the seconds from write <paramref name="measureFrom"/> to the last.</summary>
    public static async Task<(List<Task> Sends, double MeasuredSeconds)> RunAsync(double rate, long total, long measureFrom, Func<long, Task> send)
    {
        List<Task> sends = new((int)Math.Min(total, int.MaxValue));
        double measuredSeconds = 0;
        TaskCompletionSource paced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Thread pacer = new(() =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            long measureStart = start;
            long k = 0;
            while (k < total)
            {
                double elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
                long due = Math.Min(total, (long)(elapsed * rate) + 1);
                for (; k < due; k++)
                {
                    if (k == measureFrom)
                    {
                        measureStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    }

                    sends.Add(send(k));
                }

                Thread.Sleep(1);
            }

            measuredSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
            paced.SetResult();
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "pacer" };
        pacer.Start();
        await paced.Task;
        return (sends, measuredSeconds);
    }
}
