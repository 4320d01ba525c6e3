using System.Buffers.Binary;
using System.Globalization;

namespace RemoteCam.Relay.Persistence;

/// <summary>
/// Snapshot files. <c>snapshot-N.snap</c> holds the whole state as of the start of journal segment
/// N, i.e. it covers every segment numbered below N. Layout (little-endian):
/// <code>
/// header (32 bytes): "RCSN" | version u16 = 1 | reserved u16 | segment number u64
///                    | payload length u64 | payload CRC-32C u32 | header CRC-32C u32 (of the first 28 bytes)
/// payload:           the bytes written by the state callback
/// </code>
/// A snapshot is written to <c>snapshot-N.snap.tmp</c>, fsynced, renamed into place and the
/// directory fsynced, so a file with the final name is always complete unless damaged afterwards.
/// </summary>
internal static class SnapshotFile
{
    public const int HeaderSize = 32;
    public const string TempSuffix = ".tmp";

    private const ushort Version = 1;
    private const string Prefix = "snapshot-";
    private const string Suffix = ".snap";
    private static ReadOnlySpan<byte> Magic => "RCSN"u8;

    public static string FileName(long number) => Prefix + number.ToString("D12", CultureInfo.InvariantCulture) + Suffix;

    public static bool TryParseFileName(string fileName, out long number) => RecordFormat.TryParseNumber(fileName, Prefix, Suffix, out number);

    /// <summary>Writes, fsyncs and atomically publishes snapshot <paramref name="number"/>; returns its path.</summary>
    public static string Write(string directory, long number, Action<Stream> writeState)
    {
        var finalPath = Path.Combine(directory, FileName(number));
        var tempPath = finalPath + TempSuffix;
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var file = new FileStream(tempPath, options))
            {
                Span<byte> header = stackalloc byte[HeaderSize];
                file.Write(header); // placeholder until length and checksum are known

                var payload = new ChecksumStream(file);
                writeState(payload);

                WriteHeader(header, number, payload.Length, Crc32C.Finish(payload.State));
                file.Seek(0, SeekOrigin.Begin);
                file.Write(header);
                file.Flush(flushToDisk: true);
            }

            File.Move(tempPath, finalPath, overwrite: true);
            DirectorySync.Flush(directory);
            return finalPath;
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Reads and verifies snapshot <paramref name="number"/>; throws <see cref="InvalidDataException"/> when damaged.</summary>
    public static byte[] Read(string path, long number)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var fileLength = file.Length;
        if (fileLength < HeaderSize)
        {
            throw new InvalidDataException($"snapshot is {fileLength} bytes, shorter than its header");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        file.ReadExactly(header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a snapshot file (bad magic)");
        }

        if (Crc32C.Compute(header[..28]) != BinaryPrimitives.ReadUInt32LittleEndian(header[28..]))
        {
            throw new InvalidDataException("snapshot header checksum mismatch");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != Version)
        {
            throw new InvalidDataException($"unsupported snapshot version {version}");
        }

        var stored = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (stored != number)
        {
            throw new InvalidDataException($"snapshot header names segment {stored}");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (length != fileLength - HeaderSize || length > Array.MaxLength)
        {
            throw new InvalidDataException($"snapshot payload is {fileLength - HeaderSize} bytes, header says {length}");
        }

        // Read straight into the returned array: snapshots can be large.
        var payload = new byte[length];
        file.ReadExactly(payload);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header[24..]))
        {
            throw new InvalidDataException("snapshot payload checksum mismatch");
        }

        return payload;
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover file is ignored by recovery and retried at the next cleanup.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void WriteHeader(Span<byte> header, long number, long length, uint payloadChecksum)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], number);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], payloadChecksum);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], Crc32C.Compute(header[..28]));
    }

    /// <summary>Write-only pass-through that checksums and counts what the state callback writes.</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        private long _length;

        public uint State { get; private set; } = Crc32C.Start();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            State = Crc32C.Update(State, buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write([value]);

        // The file is flushed to disk once the callback returns; flushing in between buys nothing.
        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
