namespace RemoteCam.Cli.Clips;

/// <summary>
/// Reads one clip back: fetches its chunks in order, opens and checks each (number, last flag, sizes adding
/// up to the entry's), writes them to a temporary file beside the output and moves it into place only when
/// the whole clip checked out, so a tampered, truncated or foreign clip never leaves a file. A WebM without
/// a Duration gets the entry's.
/// </summary>
internal static class ClipPull
{
    /// <summary>Fetches sealed chunk n, or null when it is not stored.</summary>
    public delegate Task<byte[]?> ChunkSource(int n, CancellationToken cancellationToken);

    public static bool IsWebm(string mime) => mime.StartsWith("video/webm", StringComparison.OrdinalIgnoreCase) || mime.StartsWith("audio/webm", StringComparison.OrdinalIgnoreCase)
        || mime.StartsWith("video/x-matroska", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file extension for a clip's type: .webm, .mkv or .mp4.</summary>
    public static string Extension(string mime) =>
        mime.StartsWith("video/x-matroska", StringComparison.OrdinalIgnoreCase) ? ".mkv" : IsWebm(mime) ? ".webm" : ".mp4";

    /// <summary>Writes the clip to <paramref name="outFile"/> (which must not exist); returns the bytes written.</summary>
    public static async Task<long> WriteAsync(ClipKeys keys, ClipEntry entry, ChunkSource source, string outFile, Action<int>? progress, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outFile))!, "." + Path.GetFileName(outFile) + "." + Guid.NewGuid().ToString("N")[..8] + ".part");
        try
        {
            long plainBytes = 0;
            long written = 0;
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                for (var n = 0; n < entry.Chunks; n++)
                {
                    var sealedChunk = await source(n, cancellationToken)
                        ?? throw new ClipFormatException($"chunk {n} of clip {entry.Clip} is missing (the clip has {entry.Chunks})");
                    var plain = keys.OpenChunk(entry.Camera, entry.Clip, n, n == entry.Chunks - 1, sealedChunk);
                    plainBytes += plain.Length;
                    if (n == 0 && IsWebm(entry.Mime) && WebmDuration.Patch(plain, entry.DurationMs) is { } patched)
                    {
                        plain = patched;
                    }

                    await stream.WriteAsync(plain, cancellationToken);
                    written += plain.Length;
                    progress?.Invoke(n + 1);
                }

                if (plainBytes != entry.Bytes)
                {
                    throw new ClipFormatException($"clip {entry.Clip} has {plainBytes} bytes, its index entry says {entry.Bytes}");
                }

                if (await source(entry.Chunks, cancellationToken) is not null)
                {
                    throw new ClipFormatException($"clip {entry.Clip} has a chunk {entry.Chunks} after the one marked last");
                }

                await stream.FlushAsync(cancellationToken);
            }

            File.Move(temp, outFile, overwrite: false);
            return written;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
