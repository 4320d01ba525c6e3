using System.Diagnostics;
using System.Security.Cryptography;

using RemoteCam.Cli.Clips;

namespace RemoteCam.Bench;

/// <summary>
/// The cost of sealing clips (docs/clips.md): 64 MiB of random "media" cut into 256 KiB chunks, sealed and opened
/// with the CLI's ClipKeys (the same AES-256-GCM the pages use through WebCrypto), against copying the same chunks
/// (the floor: what storing them unsealed costs in memory bandwidth), in the same run; bytes added per chunk,
/// per minute of a 532 kbit/s clip, and as base64url text for the database target.
/// </summary>
internal static class ClipsBenchmark
{
    private const int Total = 64 * 1024 * 1024;

    public static int Run()
    {
        var media = RandomNumberGenerator.GetBytes(Total);
        var keys = new ClipKeys(RandomNumberGenerator.GetBytes(32), "AAAAAAAAAAAAAAAAAAAA");
        var chunks = Total / ClipKeys.ChunkBytes;
        Console.Out.WriteLine($"RemoteCam.Bench clips: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {chunks} chunks of {ClipKeys.ChunkBytes} bytes ({Total / 1048576} MiB), {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}");

        static double Best(Func<long> run)
        {
            run();
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            return best;
        }

        long sealedBytes = 0;
        var sealedChunks = new byte[chunks][];
        var copy = Best(() =>
        {
            long n = 0;
            for (var i = 0; i < chunks; i++)
            {
                n += media.AsSpan(i * ClipKeys.ChunkBytes, ClipKeys.ChunkBytes).ToArray().Length;
            }

            return n;
        });
        var seal = Best(() =>
        {
            sealedBytes = 0;
            for (var i = 0; i < chunks; i++)
            {
                sealedChunks[i] = keys.SealChunk("cam", "clip", i, i == chunks - 1, media.AsSpan(i * ClipKeys.ChunkBytes, ClipKeys.ChunkBytes));
                sealedBytes += sealedChunks[i].Length;
            }

            return sealedBytes;
        });
        var open = Best(() =>
        {
            long n = 0;
            for (var i = 0; i < chunks; i++)
            {
                n += keys.OpenChunk("cam", "clip", i, i == chunks - 1, sealedChunks[i]).Length;
            }

            return n;
        });

        var mib = Total / 1048576.0;
        var overhead = sealedBytes - Total;
        const double BytesPerMinute = 532_000 / 8.0 * 60;
        Console.Out.WriteLine($"  {"",-22} {"MiB/s",10} {"s per 64 MiB",13} {"vs copy",8}");
        Console.Out.WriteLine($"  {"copy (reference)",-22} {mib / copy,10:F0} {copy,13:F3} {1.0,8:F2}");
        Console.Out.WriteLine($"  {"seal",-22} {mib / seal,10:F0} {seal,13:F3} {seal / copy,8:F2}");
        Console.Out.WriteLine($"  {"open",-22} {mib / open,10:F0} {open,13:F3} {open / copy,8:F2}");
        Console.Out.WriteLine($"  overhead: {ClipKeys.Overhead} bytes per chunk = {100.0 * overhead / Total:F4} % ({overhead} bytes on {Total})");
        Console.Out.WriteLine($"  a minute of 532 kbit/s clip: {BytesPerMinute / 1e6:F2} MB plain, {BytesPerMinute * (1 + (double)ClipKeys.Overhead / ClipKeys.ChunkBytes) / 1e6:F2} MB sealed, {BytesPerMinute * (1 + (double)ClipKeys.Overhead / ClipKeys.ChunkBytes) * 4 / 3 / 1e6:F2} MB as database text");
        Console.Out.WriteLine($"  sealing a minute of clip takes {seal / (Total / BytesPerMinute) * 1000:F2} ms of one core here");
        return 0;
    }
}
